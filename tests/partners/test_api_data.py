"""Referrals with idempotency keys, the directory and available space, read through the API."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from partners.models import IdempotencyKey, PartnerToken, Referral
from tenants.choices import ApplicationStatus, CompanyStatus
from tenants.models import Application
from tests.campus.factories import AllocationFactory, CampusFactory, SpaceFactory
from tests.concurrency import at_once
from tests.partners.factories import client_with, token_for
from tests.tenants.factories import ApplicationFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campus(db):
    return CampusFactory(slug="icampus")


def referral_body(**overrides) -> dict:
    body = {
        "campus": "icampus",
        "company_name": "Neuro Robotics",
        "country": "RU",
        "website": "https://neuro.example.com",
        "contact_name": "Ivan Petrov",
        "contact_email": "ivan@neuro.example.com",
        "note": "Strong team, ready to move in Q3.",
    }
    body.update(overrides)
    return body


def test_referral_starts_a_draft_and_invites_the_company(api_a, campus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post("/api/v1/referrals/", referral_body(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["company"], body["status"], body["campus"]) == ("Neuro Robotics", "draft", "icampus")
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert application.contacts.get().email == "ivan@neuro.example.com"
    invitation = mail.outbox[-1]
    assert invitation.to == ["ivan@neuro.example.com"]
    assert "Skolkovo Innovation Center" in invitation.body and "/apply/resume/" in invitation.body


def test_referral_of_a_company_with_an_open_application_links_to_it(api_a, api_b, campus):
    api_a.post("/api/v1/referrals/", referral_body(), format="json")
    response = api_b.post("/api/v1/referrals/", referral_body(company_name="neuro robotics"), format="json")

    assert response.status_code == 201
    assert Application.objects.count() == 1
    assert Referral.objects.count() == 2


def test_referral_status_follows_the_application(api_a, campus, staff_user):
    from tenants.services.applications import application_transition

    referral_id = api_a.post("/api/v1/referrals/", referral_body(), format="json").json()["id"]
    application = Application.objects.get()
    application.completed_steps = ["company", "contacts", "profile", "needs", "documents"]
    application.save()
    Application.objects.filter(pk=application.pk).update(status="submitted")
    application_transition(application=application, to="screening", actor=staff_user)

    assert api_a.get(f"/api/v1/referrals/{referral_id}/").json()["status"] == "screening"


def test_invalid_referral_names_the_fields(api_a, campus):
    response = api_a.post(
        "/api/v1/referrals/", referral_body(contact_email="not-an-email", country="XX", campus="nowhere"), format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "validation_error"
    assert set(error["fields"]) == {"contact_email", "country", "campus"}
    assert not Application.objects.exists()


def test_another_partners_referral_is_404_and_never_listed(api_a, api_b, campus):
    referral_id = api_a.post("/api/v1/referrals/", referral_body(), format="json").json()["id"]

    assert api_b.get(f"/api/v1/referrals/{referral_id}/").status_code == 404
    assert api_b.get("/api/v1/referrals/").json()["results"] == []
    assert len(api_a.get("/api/v1/referrals/").json()["results"]) == 1


def test_same_key_and_body_replays_the_first_response_and_creates_nothing(api_a, campus):
    first = api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("same_token", "status_code", "referrals"),
    [
        pytest.param(True, 422, 1, id="same_key_with_another_body_is_422"),
        pytest.param(False, 201, 2, id="keys_are_scoped_to_the_token"),
    ],
)
def test_a_key_used_again_with_another_body(api_a, partner_a, campus, same_token, status_code, referrals):
    again = api_a if same_token else client_with(token_for(partner_a))
    api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    response = again.post(
        "/api/v1/referrals/", referral_body(company_name="Other Co"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )

    assert response.status_code == status_code
    assert Referral.objects.count() == referrals


def test_a_server_error_answered_undoes_its_work_and_frees_the_key(api_a, campus, monkeypatch):
    from rest_framework.response import Response

    from partners.api.views import ReferralViewSet

    create = ReferralViewSet._create

    def create_then_fail(self, request, partner):
        create(self, request, partner)  # the referral is written, then the request answers 503
        return Response({"detail": "Try again later."}, status=503)

    monkeypatch.setattr(ReferralViewSet, "_create", create_then_fail)
    failed = api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-503")
    assert failed.status_code == 503 and not Referral.objects.exists()
    monkeypatch.undo()

    retried = api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-503")
    assert retried.status_code == 201 and Referral.objects.count() == 1


def test_a_key_still_in_flight_gets_409(api_a, partner_a, campus):
    from partners.models import PartnerToken

    token = PartnerToken.objects.get(partner=partner_a)
    payload = json.dumps(referral_body()).encode()
    import hashlib

    fingerprint = hashlib.sha256(b"POST /api/v1/referrals/\n" + payload).hexdigest()
    IdempotencyKey.objects.create(
        token=token, key="busy", method="POST", path="/api/v1/referrals/", request_hash=fingerprint
    )

    response = api_a.post("/api/v1/referrals/", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="busy")

    assert response.status_code == 409
    assert not Referral.objects.exists()


def test_malformed_key_is_400_and_expired_key_counts_as_new(api_a, campus):
    too_long = api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert too_long.status_code == 400
    assert "Idempotency-Key" in too_long.json()["error"]["fields"]

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) - dt.timedelta(hours=25)):
        api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="old")
    response = api_a.post(
        "/api/v1/referrals/", referral_body(company_name="Fresh Co"), format="json", HTTP_IDEMPOTENCY_KEY="old"
    )

    assert response.status_code == 201
    assert response.json()["company"] == "Fresh Co"


def test_same_json_with_keys_reordered_and_other_whitespace_is_a_replay(api_a, campus):
    body = referral_body()
    first = api_a.post(
        "/api/v1/referrals/", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-order"
    )
    reordered = json.dumps(dict(reversed(body.items())), indent=4)
    again = api_a.post("/api/v1/referrals/", reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-order")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1
    changed = api_a.post(
        "/api/v1/referrals/", referral_body(contact_name="Other"), format="json", HTTP_IDEMPOTENCY_KEY="k-order"
    )
    assert changed.status_code == 422


def test_a_key_stored_with_a_hash_of_the_raw_body_still_replays_that_body(api_a, partner_a):
    """Keys stored before the comparison was by meaning hold a hash of the bytes (for one TTL)."""
    raw = json.dumps(referral_body()).encode()
    IdempotencyKey.objects.create(
        token=PartnerToken.objects.get(partner=partner_a),
        key="stored-earlier",
        method="POST",
        path="/api/v1/referrals/",
        request_hash=hashlib.sha256(b"POST /api/v1/referrals/\n" + raw).hexdigest(),
        status_code=201,
        response_body=b'{"id":1}',
        completed_at=timezone.now(),
    )

    response = api_a.post(
        "/api/v1/referrals/", raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="stored-earlier"
    )

    assert response.status_code == 201 and response.content == b'{"id":1}'
    assert not Referral.objects.exists()


def test_a_referral_runs_a_fixed_number_of_queries_and_its_replay_fewer(
    api_a, api_b, campus, django_assert_max_num_queries
):
    """Claim the key, find the campus, read the open application with the partner's referral of it,
    store the response (with the transaction's two statements); a replay reads the stored response."""
    api_a.post("/api/v1/referrals/", referral_body(), format="json")  # the draft, and partner A's referral
    api_b.get("/api/v1/me/")  # partner B's token is cached, as when polling

    with django_assert_max_num_queries(6) as first:
        repeated = api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="count")
    with django_assert_max_num_queries(8):  # and one statement to insert partner B's referral, one to read it
        pending = api_b.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="count")
    with django_assert_max_num_queries(len(first.captured_queries) - 1):
        replayed = api_a.post("/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="count")

    assert (repeated.status_code, pending.status_code, replayed["Idempotent-Replayed"]) == (201, 201, "true")
    assert (repeated.json()["attribution"], pending.json()["attribution"]) == ("started", "pending")
    assert replayed.content == repeated.content
    assert Referral.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_create_one_referral(partner_a):
    CampusFactory(slug="icampus")
    secret = token_for(partner_a)

    def post():
        client = client_with(secret)
        return client.post(
            "/api/v1/referrals/", referral_body(), format="json", HTTP_IDEMPOTENCY_KEY="race"
        ).status_code

    codes = at_once(post, post)

    assert Referral.objects.count() == 1
    assert sorted(codes) in ([201, 201], [201, 409])


def test_companies_lists_residents_with_public_fields_only(api_a):
    resident = CompanyFactory(name="Tricog", country="IN", status=CompanyStatus.RESIDENT)
    CompanyFactory(name="Hidden Applicant", status=CompanyStatus.APPLICANT)
    ApplicationFactory(company=resident, status="approved")

    results = api_a.get("/api/v1/companies/").json()["results"]

    assert [c["name"] for c in results] == ["Tricog"]
    assert "contacts" not in results[0] and "status" not in results[0]
    assert api_a.get("/api/v1/companies/", {"country": "IN", "search": "tri"}).json()["results"][0]["name"] == "Tricog"
    assert api_a.get("/api/v1/companies/", {"country": "JP"}).json()["results"] == []


def test_spaces_filter_by_availability_kind_and_area(api_a):
    campus = CampusFactory(slug="south")
    free = SpaceFactory(building__campus=campus, kind="laboratory", area_m2=Decimal("300"))
    taken = SpaceFactory(building__campus=campus, kind="laboratory", area_m2=Decimal("300"))
    AllocationFactory(space=taken, starts_on=dt.date(2026, 1, 1), ends_on=None)
    SpaceFactory(building__campus=campus, kind="office", area_m2=Decimal("300"))

    response = api_a.get(
        "/api/v1/spaces/", {"campus": "south", "kind": "laboratory", "min_area": "200", "available_on": "2026-06-01"}
    )

    assert [s["id"] for s in response.json()["results"]] == [free.pk]
    bad = api_a.get("/api/v1/spaces/", {"available_on": "tomorrow"})
    assert bad.status_code == 400 and "available_on" in bad.json()["error"]["fields"]


@pytest.fixture
def allocated_spaces():
    """Four 100 m² spaces of campus "free" and what is allocated of them in 2026."""
    campus = CampusFactory(slug="free")
    spaces = {
        name: SpaceFactory(building__campus=campus, code=name, area_m2=Decimal("100"))
        for name in ["EMPTY", "PART", "OPEN", "ENDED"]
    }
    # 30 m² until March, then 60 m² from April on: at most 40 m² free from February to May.
    AllocationFactory(
        space=spaces["PART"], starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31), area_m2=Decimal("30")
    )
    AllocationFactory(space=spaces["PART"], starts_on=dt.date(2026, 4, 1), ends_on=None, area_m2=Decimal("60"))
    # 50 m² from July on, open-ended.
    AllocationFactory(space=spaces["OPEN"], starts_on=dt.date(2026, 7, 1), ends_on=None, area_m2=Decimal("50"))
    # The whole space until the end of January.
    AllocationFactory(
        space=spaces["ENDED"], starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2026, 1, 31), area_m2=Decimal("100")
    )
    return spaces


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {space["code"] for space in response.json()["results"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # February to May: PART has 70 then 40 m² free; the largest total on one day counts, not the sum.
        (
            {"available_from": "2026-02-01", "available_to": "2026-05-31", "min_free_area": "40"},
            {"EMPTY", "PART", "OPEN", "ENDED"},
        ),
        (
            {"available_from": "2026-02-01", "available_to": "2026-05-31", "min_free_area": "41"},
            {"EMPTY", "OPEN", "ENDED"},
        ),
        # Into July: OPEN keeps 50 m², PART 40 m².
        (
            {"available_from": "2026-06-01", "available_to": "2026-08-31", "min_free_area": "50"},
            {"EMPTY", "OPEN", "ENDED"},
        ),
        # ENDED is taken on the first day of this period.
        (
            {"available_from": "2026-01-31", "available_to": "2026-02-28", "min_free_area": "1"},
            {"EMPTY", "PART", "OPEN"},
        ),
        # Without an end the period runs on: OPEN's allocation starting in July counts.
        ({"available_from": "2026-02-01", "min_free_area": "60"}, {"EMPTY", "ENDED"}),
        # Any free area at all when no area is given; the space wholly allocated on a day is left out.
        ({"available_from": "2026-01-15", "available_to": "2026-01-15"}, {"EMPTY", "PART", "OPEN"}),
    ],
)
def test_spaces_filter_by_free_area_over_a_period(api_a, allocated_spaces, params, expected):
    response = api_a.get("/api/v1/spaces/", {"campus": "free", **params})

    assert _codes(response) == expected


def test_available_on_keeps_a_shared_space_with_area_left_that_day(api_a, allocated_spaces):
    response = api_a.get("/api/v1/spaces/", {"campus": "free", "available_on": "2026-01-15"})

    assert _codes(response) == {"EMPTY", "PART", "OPEN"}


def test_free_area_filter_combines_with_the_other_filters(api_a, allocated_spaces):
    response = api_a.get(
        "/api/v1/spaces/",
        {"campus": "free", "available_on": "2026-01-15", "available_from": "2026-07-15", "min_free_area": "45"},
    )

    assert _codes(response) == {"EMPTY", "OPEN"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"available_to": "2026-05-31"}, "available_to"),
        ({"available_from": "2026-06-01", "available_to": "2026-05-31"}, "available_to"),
        ({"available_from": "June"}, "available_from"),
        ({"min_free_area": "forty"}, "min_free_area"),
        ({"available_from": "2026-06-01", "min_free_area": "-1"}, "min_free_area"),
    ],
)
def test_free_area_filter_names_the_field_it_refuses(api_a, params, field):
    response = api_a.get("/api/v1/spaces/", params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "validation_error" and list(error["fields"]) == [field]


@pytest.mark.parametrize("count", [5, 60])
def test_free_area_filter_runs_a_fixed_number_of_queries(api_a, django_assert_max_num_queries, count):
    campus = CampusFactory(slug="many")
    for index in range(count):
        space = SpaceFactory(building__campus=campus, area_m2=Decimal("100"))
        AllocationFactory(space=space, starts_on=dt.date(2026, 1, 1), ends_on=None, area_m2=Decimal(index % 100 + 1))

    with django_assert_max_num_queries(10):
        response = api_a.get(
            "/api/v1/spaces/",
            {"available_from": "2026-02-01", "available_to": "2026-03-01", "min_free_area": "50", "page_size": 200},
        )

    assert len(response.json()["results"]) == min(count, 50)


@pytest.mark.parametrize("count", [5, 60])
def test_lists_run_a_fixed_number_of_queries(api_a, partner_a, django_assert_max_num_queries, count):
    campus = CampusFactory(slug="bench")
    for index in range(count):
        company = CompanyFactory(campus=campus, name=f"Resident {index}")
        SpaceFactory(building__campus=campus)
        application = ApplicationFactory(company=company)
        Referral.objects.create(
            partner=partner_a, application=application, company=company, contact_name="C", contact_email="c@e.org"
        )

    for path in ["/api/v1/companies/", "/api/v1/spaces/", "/api/v1/referrals/", "/api/v1/campuses/"]:
        with django_assert_max_num_queries(10):
            response = api_a.get(path, {"page_size": 200})
        assert response.status_code == 200


def test_page_size_is_capped_and_pages_chain(api_a):
    for index in range(5):
        CompanyFactory(name=f"Resident {index}")

    first = api_a.get("/api/v1/companies/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    huge = api_a.get("/api/v1/companies/", {"page_size": 100000})
    assert huge.status_code == 200 and len(huge.json()["results"]) == 5
