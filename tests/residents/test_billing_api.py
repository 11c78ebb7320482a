"""Leases and invoices in the API: staff sessions whose role reads them, nobody else (partner tokens get 403)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth

from residents.services.invoices import credit_note_issue
from tests.partners.factories import client_with, token_for
from tests.partners.test_api_schema import api_schema  # noqa: F401 - a fixture
from tests.personas import staff_in_role
from tests.residents.billing_setup import invoiced, paid
from tests.residents.leases_setup import leased
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = dt.datetime(2026, 3, 10, 9, 0)


def cny(amount) -> dict:
    return {"amount": amount, "currency": "CNY"}


@pytest.fixture
def finance(db):
    """A campus finance staff member, signed in."""
    client = Client()
    client.force_login(staff_in_role("finance"))
    return client


@pytest.fixture
def billed(resident_company, other_company, staff_user):
    """Company A: January paid, February partly paid and overdue, March open, a credit note on
    January's part; company B: a draft lease and one invoice."""
    january, february, march = invoiced(resident_company, months=3, subsidies=[(2, 2, Decimal("50"))])
    paid(resident_company, "13020.00", on=D(2026, 1, 19), reference="BANK-1", settles=[(january, "13020.00")])
    paid(resident_company, "100.00", on=D(2026, 2, 25), reference="BANK-2", settles=[(february, "100.00")])
    note = credit_note_issue(
        invoice=march, reason="Lift out of order", amount=Decimal("1090"), tax_percent=Decimal("9"), actor=staff_user
    )
    [nordic] = invoiced(other_company, first=D(2026, 3, 1))
    draft = leased(other_company, active=False)
    return {"january": january, "february": february, "march": march, "note": note, "nordic": nordic, "draft": draft}


def results(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_finance_staff_read_leases_with_rates_term_allocations_and_subsidies(finance, billed, resident_company):
    lease = billed["january"].lease

    [row] = [row for row in results(finance, "/api/v1/leases/") if row["id"] == lease.pk]
    detail = finance.get(f"/api/v1/leases/{lease.pk}/").json()

    assert detail == row
    assert (row["company"], row["campus"], row["state"]) == (
        resident_company.slug,
        resident_company.campus.slug,
        "active",
    )
    assert (row["starts_on"], row["ends_on"], row["terminated_on"]) == ("2026-01-01", "2027-12-31", None)
    assert row["rent_rate"] == cny("100.00") and row["service_charge_rate"] == cny("20.00")
    assert row["deposit"] == cny("30000.00") and row["area_m2"] == "100.00"
    [allocation] = row["allocations"]
    assert allocation["area_m2"] == "100.00" and allocation["space"] == lease.allocations.get().space.code
    assert row["subsidies"] == [{"from_month": 2, "to_month": 2, "percent": "50.00", "note": ""}]


def test_leases_filter_by_campus_company_and_state(finance, billed, resident_company, other_company):
    def ids(query: str) -> set[int]:
        return {row["id"] for row in results(finance, f"/api/v1/leases/?{query}")}

    ours, theirs = billed["january"].lease_id, billed["nordic"].lease_id
    assert ids(f"company={resident_company.slug}") == {ours}
    assert ids(f"company={other_company.slug}") == {theirs, billed["draft"].pk}
    assert ids("state=draft") == {billed["draft"].pk}
    assert ids(f"campus={resident_company.campus.slug}&state=active") == {ours, theirs}
    assert ids("campus=elsewhere") == set()
    assert finance.get("/api/v1/leases/?state=lost").status_code == 400


@time_machine.travel(TODAY, tick=False)
def test_finance_staff_read_invoices_with_their_settlement(finance, billed):
    rows = {row["id"]: row for row in results(finance, "/api/v1/invoices/")}
    january, february, march, note = (billed[name] for name in ("january", "february", "march", "note"))

    assert rows[january.pk]["status"] == "paid" and rows[january.pk]["open_amount"] == cny("0.00")
    assert rows[february.pk]["status"] == "overdue" and rows[february.pk]["days_overdue"] == 18
    assert rows[february.pk]["paid"] == cny("100.00")
    assert rows[february.pk]["open_amount"] == cny(str(february.total - 100))
    assert rows[march.pk]["status"] == "open" and rows[march.pk]["credited"] == cny("-1090.00")
    assert rows[march.pk]["open_amount"] == cny(str(march.total - 1090)) and rows[march.pk]["days_overdue"] == 0
    assert rows[note.pk]["kind"] == "credit_note" and rows[note.pk]["status"] is None
    assert (rows[note.pk]["credits"], rows[note.pk]["credits_number"]) == (march.pk, march.display_number)
    assert rows[january.pk]["number"] == january.display_number and rows[january.pk]["period"] == "2026-01-01"
    assert "lines" not in rows[january.pk]

    detail = finance.get(f"/api/v1/invoices/{march.pk}/").json()
    assert [(line["kind"], line["net"], line["tax"]) for line in detail["lines"]] == [
        ("rent", cny("10000.00"), cny("900.00")),
        ("service_charge", cny("2000.00"), cny("120.00")),
    ]
    assert detail["lines"][0]["rate"] == cny("100.000000") and detail["lines"][0]["days"] == 31
    assert [(credit["number"], credit["total"]) for credit in detail["credit_notes"]] == [
        (note.display_number, cny("-1090.00"))
    ]
    assert detail["total"] == cny("13020.00") and detail["open_amount"] == cny("11930.00")
    feb_detail = finance.get(f"/api/v1/invoices/{february.pk}/").json()
    assert feb_detail["payments"] == [
        {
            "payment": feb_detail["payments"][0]["payment"],
            "received_on": "2026-02-25",
            "reference": "BANK-2",
            "amount": cny("100.00"),
        }
    ]


@time_machine.travel(TODAY, tick=False)
def test_invoices_filter_by_campus_company_kind_period_and_overdue(finance, billed, resident_company):
    def ids(query: str) -> set[int]:
        return {row["id"] for row in results(finance, f"/api/v1/invoices/?{query}")}

    january, february, march, note, nordic = (billed[k] for k in ("january", "february", "march", "note", "nordic"))
    assert ids(f"company={resident_company.slug}") == {january.pk, february.pk, march.pk, note.pk}
    assert ids("kind=credit_note") == {note.pk}
    assert ids("period=2026-03-17") == {march.pk, note.pk, nordic.pk}
    assert ids("period=2026-03-01&kind=invoice") == {march.pk, nordic.pk}
    assert ids("overdue=true") == {february.pk}
    assert ids("overdue=false") == {january.pk, march.pk, note.pk, nordic.pk}
    assert ids(f"campus={resident_company.campus.slug}&overdue=true") == {february.pk}
    for bad in ("period=March", "overdue=maybe", "kind=bill", "period="):
        response = finance.get(f"/api/v1/invoices/?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["error"]["type"] == "validation_error"


def test_the_lists_run_a_fixed_number_of_queries(finance, billed, other_company, django_assert_max_num_queries):
    for path in ("/api/v1/leases/", "/api/v1/invoices/"):
        with django_assert_max_num_queries(12) as one:
            assert finance.get(path).status_code == 200
        few = len(one.captured_queries)
        for _ in range(4):
            company = CompanyFactory(campus=other_company.campus)
            invoiced(company, months=3, subsidies=[(1, 1, Decimal("100"))])
            paid(company, "50.00")
        with django_assert_max_num_queries(few):
            assert len(finance.get(path).json()["results"]) > 4
    with django_assert_max_num_queries(12):
        assert finance.get(f"/api/v1/invoices/{billed['march'].pk}/").status_code == 200


def test_partner_tokens_never_read_leases_or_invoices_whatever_their_scopes(partner_a, billed):
    api = client_with(token_for(partner_a))

    for path in _paths(billed):
        response = api.get(path)
        assert response.status_code == 403, path
        assert response.json()["error"]["type"] == "permission_denied"
        assert b"Lift out of order" not in response.content and b"13020" not in response.content


def _paths(billed) -> list[str]:
    return [
        "/api/v1/leases/",
        f"/api/v1/leases/{billed['january'].lease_id}/",
        "/api/v1/invoices/",
        f"/api/v1/invoices/{billed['march'].pk}/",
    ]


@pytest.mark.parametrize("who", ["anonymous", "resident_admin", "resident_finance", "other_resident"])
def test_residents_sessions_and_strangers_get_401(who, request, billed):
    client = Client() if who == "anonymous" else request.getfixturevalue(who).client

    for path in _paths(billed):
        response = client.get(path)
        assert response.status_code == 401, (who, path)
        assert b"Lift out of order" not in response.content and b"13020" not in response.content


@pytest.mark.parametrize(
    ("role", "expected"),
    [("finance", 200), ("auditor", 200), ("campus_manager", 200), ("service_desk", 403), ("space_manager", 403)],
)
def test_staff_roles_read_as_their_role_allows(role, expected, billed):
    client = Client()
    client.force_login(staff_in_role(role))

    for path in _paths(billed):
        assert client.get(path).status_code == expected, (role, path)


def test_an_unknown_lease_or_invoice_is_404_for_staff(finance):
    assert finance.get("/api/v1/leases/999999/").status_code == 404
    assert finance.get("/api/v1/invoices/999999/").status_code == 404


def test_the_api_writes_nothing(finance, billed):
    march = billed["march"]
    for method in ["post", "put", "patch", "delete"]:
        for path in [f"/api/v1/invoices/{march.pk}/", f"/api/v1/leases/{march.lease_id}/", "/api/v1/invoices/"]:
            response = getattr(finance, method)(path)
            assert response.status_code in {403, 405}, (method, path)  # 403: a session write without its CSRF token
    march.refresh_from_db()
    assert march.total == Decimal("13020.00")


def test_the_schema_says_they_are_for_staff_sessions(client):
    schema = client.get("/api/schema/?format=json").json()

    for path in ["/api/v1/leases/", "/api/v1/leases/{id}/", "/api/v1/invoices/", "/api/v1/invoices/{id}/"]:
        operation = schema["paths"][path]["get"]
        assert "Staff sessions only" in operation["description"], path
        assert "partner token" in operation["responses"]["403"]["description"], path
        assert "No staff session" in operation["responses"]["401"]["description"], path


def test_staff_answers_keep_to_the_schema(api_schema, billed):  # noqa: F811 - api_schema is a fixture
    """What staff read conforms to the schema, for queries it allows and queries it forbids."""
    client = Client()
    client.force_login(staff_in_role("finance"))
    session = client.cookies["sessionid"].value
    operations = [result.ok() for result in api_schema.get_all_operations()]
    operations = [operation for operation in operations if operation.path.split("/")[3] in {"leases", "invoices"}]
    assert len(operations) == 4

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def conforms(case):
                if case.query:
                    case.query.pop("cursor", None)  # opaque: only the server makes valid ones
                case.cookies = {"sessionid": session}  # the generated session cookie would be refused
                case.call_and_validate(excluded_checks=[ignored_auth])

            conforms()
