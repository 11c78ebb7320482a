"""Who reaches the campus's money: every URL under /staff/finance/, read from the URL configuration,
walked for every staff role, for residents and for strangers; and every staff-only route of the
API schema, for every staff role.

A new finance page is covered the day it is added: it needs an entry in PAGES (the permission it
asks for, and how to fill its parameters), and the walk says so when one is missing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from portal.roles import ROLES
from residents.models import Payment, StatementImport
from residents.services.bank_statements import statement_import_create
from tests.personas import staff_in_role
from tests.residents.billing_setup import invoiced

pytestmark = pytest.mark.django_db

STATEMENT = b"Date,Reference,Credit\n2026-01-20,INV-2026-000001,100.00\n"

# URL name -> (the permission the page asks for, whether it takes only POST).
PAGES = {
    "staff_payments": ("residents.view_payment", False),
    "staff_payment_new": ("residents.add_payment", False),
    "staff_statement_import": ("residents.add_payment", False),
    "staff_statement": ("residents.add_payment", False),
    "staff_statement_apply": ("residents.add_payment", True),
    "finance_export": ("residents.view_invoice", False),
}


def finance_patterns() -> dict[str, str]:
    """Every finance route as (URL name -> route), wherever it is routed (residents, portal)."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("staff/finance/"):
                yield entry.name, route

    return dict(walk(get_resolver().url_patterns))


def url(name: str, route: str, *, statement: int, campus) -> str:
    filled = route.replace("<int:pk>", str(statement)).replace("<slug:dataset>.<slug:fmt>", "invoices.csv")
    if name == "finance_export":
        filled += f"?campus={campus.pk}&start=2026-01-01&end=2026-12-31"
    return "/" + filled


def test_every_finance_route_is_in_the_walk():
    routes = finance_patterns()

    assert set(routes) == set(PAGES), "a finance page needs an entry in PAGES: the permission it asks for"


@pytest.fixture
def billed(resident_company):
    invoiced(resident_company)
    return resident_company.campus


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_staff_role_reaches_the_finance_pages_its_permissions_allow(role, billed, resident_company):
    user = staff_in_role(role, f"{role}-person")
    client = Client()
    client.force_login(user)
    own = statement_import_create(campus=billed, data=STATEMENT, file_name="own.csv", actor=user)

    for name, route in finance_patterns().items():
        permission, post_only = PAGES[name]
        address = url(name, route, statement=own.pk, campus=billed)
        allowed = user.has_perm(permission)
        read = client.get(address)
        if post_only:
            assert read.status_code == 405, (role, name)
        else:
            assert read.status_code == (200 if allowed else 403), (role, name, read.status_code)
        sent = client.post(address, {"line": ["0"], "company-0": resident_company.pk})
        if not allowed:
            assert sent.status_code in {403, 405}, (role, name, sent.status_code)
    assert Payment.objects.exists() == user.has_perm("residents.add_payment")  # the line, applied once


@pytest.mark.parametrize("role", ["finance", "campus_manager", "superuser"])
def test_another_staff_members_statement_is_404_by_its_id_whatever_the_role(role, billed, resident_company):
    uploader = staff_in_role("finance", "uploader")
    theirs = statement_import_create(campus=billed, data=STATEMENT, file_name="theirs.csv", actor=uploader)
    if role == "superuser":
        user = get_user_model().objects.create_superuser(username="root", email="root@example.org", password="x")
    else:
        user = staff_in_role(role, f"{role}-person")
    client = Client()
    client.force_login(user)

    for name in ("staff_statement", "staff_statement_apply"):
        address = url(name, finance_patterns()[name], statement=theirs.pk, campus=billed)
        assert client.get(address).status_code in {404, 405}, (role, name)
        assert client.post(address, {"line": ["0"], "company-0": resident_company.pk}).status_code == 404
    assert not Payment.objects.exists()
    assert b"theirs.csv" not in client.get("/staff/finance/import/").content


@pytest.mark.parametrize("who", ["anonymous", "resident_admin", "resident_finance", "other_resident"])
def test_residents_and_strangers_reach_no_finance_page(who, request, billed, resident_company):
    client = Client() if who == "anonymous" else request.getfixturevalue(who).client
    statement = statement_import_create(
        campus=billed, data=STATEMENT, file_name="s.csv", actor=staff_in_role("finance", "uploader")
    )

    for name, route in finance_patterns().items():
        address = url(name, route, statement=statement.pk, campus=billed)
        for response in (client.get(address), client.post(address, {"line": ["0"]})):
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (who, name)
    assert not Payment.objects.exists() and StatementImport.objects.count() == 1


def test_no_finance_form_is_taken_without_its_csrf_token(billed, resident_company):
    """A page of another site cannot post to the finance pages in a finance person's name."""
    from residents.models import Invoice

    user = staff_in_role("finance", "fin")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    own = statement_import_create(campus=billed, data=STATEMENT, file_name="own.csv", actor=user)
    invoice = Invoice.objects.get()
    forms = {
        "/staff/finance/payments/new/": {"company": resident_company.pk, "amount": "100", "received_on": "2026-02-02"},
        "/staff/finance/import/": {"campus": billed.pk},
        f"/staff/finance/import/{own.pk}/apply/": {"line": ["0"], "company-0": resident_company.pk},
        f"/admin/residents/invoice/{invoice.pk}/credit-note/": {"reason": "Forged"},
    }

    for address, data in forms.items():
        assert browser.post(address, data).status_code == 403, address
    assert not Payment.objects.exists() and Invoice.objects.count() == 1 and StatementImport.objects.count() == 1


# --- The API ------------------------------------------------------------------------------------


def staff_only_routes(schema: dict) -> dict[str, str]:
    """Every route of the schema served to staff sessions only: (path template -> view permission)."""
    from residents.api import StaffReadOnlyViewSet

    routes = {}
    for template in schema["paths"]:
        view = resolve(template.replace("{id}", "1")).func
        viewset = getattr(view, "cls", None)
        if viewset is not None and issubclass(viewset, StaffReadOnlyViewSet):
            routes[template] = viewset.view_permission
    return routes


@pytest.fixture
def api_objects(resident_company, staff_user):
    from residents.services.requests import service_request_raise
    from tests.partners.test_api_outsider import _stage_data

    [invoice] = invoiced(resident_company, first=dt.date(2026, 3, 1))
    service_request = service_request_raise(
        company=resident_company, actor=None, category="it", subject="S", description="x"
    )
    report, move = _stage_data()
    return {
        "invoices": invoice.pk,
        "leases": invoice.lease_id,
        "service-requests": service_request.pk,
        "milestone-reports": report.pk,
        "stage-transitions": move.pk,
    }


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_staff_role_reads_the_staff_routes_of_the_api_its_permissions_allow(role, client, api_objects):
    routes = staff_only_routes(client.get("/api/schema/?format=json").json())
    assert {"/api/v1/invoices/", "/api/v1/invoices/{id}/", "/api/v1/leases/", "/api/v1/leases/{id}/"} <= set(routes)
    user = staff_in_role(role, f"{role}-person")
    reader = Client()
    reader.force_login(user)

    for template, permission in routes.items():
        resource = template.split("/")[3]
        assert resource in api_objects, f"no object to read {template} with; add one to api_objects"
        response = reader.get(template.replace("{id}", str(api_objects[resource])))
        assert response.status_code == (200 if user.has_perm(permission) else 403), (role, template)
