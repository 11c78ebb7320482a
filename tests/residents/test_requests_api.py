"""Service requests in the API: staff sessions whose role reads them, nobody else (partner tokens get 403)."""

from __future__ import annotations

import pytest
from django.test import Client

from residents.services.requests import service_request_note, service_request_reply, service_request_transition
from tests.partners.factories import client_with, token_for
from tests.residents.requests_setup import raised
from tests.tenants.helpers import pdf

pytestmark = pytest.mark.django_db

NOTE = "Internal: the contractor overcharged last time."


@pytest.fixture
def with_history(resident_member, desk):
    service_request = raised(resident_member, uploads=[pdf("plan.pdf")])
    service_request_reply(service_request=service_request, actor=desk.user, body="On our way.")
    service_request_note(service_request=service_request, actor=desk.user, body=NOTE)
    return service_request


def test_staff_read_requests_with_their_whole_history(desk, with_history):
    listing = desk.client.get("/api/v1/service-requests/")
    detail = desk.client.get(f"/api/v1/service-requests/{with_history.pk}/")

    assert listing.status_code == 200
    [row] = listing.json()["results"]
    assert (row["reference"], row["company"], row["state"], row["overdue"]) == (
        with_history.reference,
        with_history.company.slug,
        "new",
        False,
    )
    assert "events" not in row and "description" not in row
    assert detail.status_code == 200
    events = detail.json()["events"]
    assert [(event["kind"], event["internal"]) for event in events] == [
        ("raised", False),
        ("reply", False),
        ("note", True),
    ]
    assert events[0]["attachments"][0]["original_name"] == "plan.pdf"
    assert events[2]["body"] == NOTE and events[1]["actor"] == "Dee Desk"


def test_the_list_filters_by_state_category_campus_and_overdue(desk, resident_member, campus, time_machine):
    time_machine.move_to("2026-03-02 09:00 +08:00")
    leak = raised(resident_member, subject="Leak")
    wifi = raised(resident_member, subject="Wi-Fi", category="it")
    service_request_transition(service_request=leak, to="in_progress", actor=desk.user)
    time_machine.move_to("2026-03-02 17:00 +08:00")

    def ids(query: str) -> set[int]:
        response = desk.client.get(f"/api/v1/service-requests/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("state=in_progress") == {leak.pk}
    assert ids("category=it") == {wifi.pk}
    assert ids(f"campus={campus.slug}") == {leak.pk, wifi.pk}
    assert ids("campus=elsewhere") == set()
    assert ids("overdue=true") == {wifi.pk}, "no first response after 4 working hours"
    assert ids("overdue=false") == {leak.pk}
    assert desk.client.get("/api/v1/service-requests/?state=lost").status_code == 400


def test_partner_tokens_never_read_service_requests_whatever_their_scopes(partner_a, with_history):
    api = client_with(token_for(partner_a))

    for path in ["/api/v1/service-requests/", f"/api/v1/service-requests/{with_history.pk}/"]:
        response = api.get(path)
        assert response.status_code == 403, path
        assert response.json()["error"]["type"] == "permission_denied"
        assert NOTE.encode() not in response.content and b"Leaking" not in response.content


@pytest.mark.parametrize("who", ["anonymous", "bad_token", "resident_admin", "resident_member", "alice", "applicant"])
def test_everyone_else_gets_401(who, request, with_history):
    if who == "anonymous":
        client = Client()
    elif who == "bad_token":
        client = client_with("icp_not-a-real-token")
    elif who == "alice":
        client = Client()
        client.force_login(request.getfixturevalue("alice").user)
    else:
        client = request.getfixturevalue(who).client

    for path in ["/api/v1/service-requests/", f"/api/v1/service-requests/{with_history.pk}/"]:
        response = client.get(path)
        assert response.status_code == 401, (who, path)
        assert NOTE.encode() not in response.content


@pytest.mark.parametrize(("role", "expected"), [("auditor", 200), ("campus_manager", 200), ("space_manager", 403)])
def test_staff_roles_read_as_their_role_allows(role, expected, with_history):
    from tests.personas import staff_in_role

    client = Client()
    client.force_login(staff_in_role(role))

    assert client.get(f"/api/v1/service-requests/{with_history.pk}/").status_code == expected


def test_an_unknown_request_is_404_for_staff(desk):
    assert desk.client.get("/api/v1/service-requests/999999/").status_code == 404


def test_the_api_writes_nothing(desk, with_history):
    for method in ["post", "put", "patch", "delete"]:
        response = getattr(desk.client, method)(f"/api/v1/service-requests/{with_history.pk}/")
        assert response.status_code in {403, 405}, method  # 403: a session write without its CSRF token
    with_history.refresh_from_db()
    assert with_history.state == "new"


def test_the_list_reads_in_a_constant_number_of_queries(desk, resident_member, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = raised(resident_member)
    service_request_reply(service_request=first, actor=desk.user, body="Hi")
    with CaptureQueriesContext(connection) as one:
        desk.client.get("/api/v1/service-requests/")
    for number in range(12):
        raised(resident_member, subject=f"Request {number}")

    with django_assert_max_num_queries(len(one)):
        response = desk.client.get("/api/v1/service-requests/")
    assert len(response.json()["results"]) == 13


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/service-requests/"]["get"]
    assert {"401", "403"} <= set(operation["responses"])
    assert {"state", "category", "campus", "overdue", "cursor"} <= {p["name"] for p in operation["parameters"]}
    assert "/api/v1/service-requests/{id}/" in schema["paths"]
