"""The staff dashboard keeps its worked-out sections in the cache: every change that can move a figure
shows on the next view, and people with other permissions or another language never get them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.receivers import DASHBOARD_RELATIONS, DASHBOARD_SOURCES
from residents.models import Invoice
from residents.services.invoices import invoices_issue
from tests.personas import staff_in_role
from tests.portal.finance_setup import paid, the_example
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

D = dt.date
# Tables every signed-in staff page reads, whatever it shows: the session, the account and its
# permissions, the second factor.
REQUEST_TABLES = {"django_session", "auth_user", "auth_user_groups", "auth_group", "auth_group_permissions"}
REQUEST_PREFIXES = ("auth_", "otp_", "django_content_type")


@pytest.fixture
def billed(campus, resident_company, other_company, staff_user):
    the_example(campus, resident_company, other_company, staff_user)
    return campus


@pytest.fixture
def finance(db):
    client = Client()
    client.force_login(staff_in_role("finance"))
    return client


def period(campus, **extra) -> dict:
    return {"campus": campus.pk, "start": "2026-01-01", "end": "2026-03-06", **extra}


def section(response, key: str) -> str:
    page = response.content.decode()
    part = page[page.index(f'id="{key}-heading"') :]
    return part[: part.index("</section>")]


def watched_tables() -> set[str]:
    tables = {apps.get_model(label)._meta.db_table for label in DASHBOARD_SOURCES}
    for label, name in DASHBOARD_RELATIONS:
        tables.add(apps.get_model(label)._meta.get_field(name).remote_field.through._meta.db_table)
    return tables


def read_tables(queries) -> set[str]:
    names = set()
    for query in queries:
        names |= set(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"]))
    return {name for name in names if name not in REQUEST_TABLES and not name.startswith(REQUEST_PREFIXES)}


def test_every_table_the_dashboard_and_its_downloads_read_is_watched(staff_client, billed):
    """A table read but not watched would leave its changes off the dashboard until the sections expire."""
    with CaptureQueriesContext(connection) as page:
        response = staff_client.get("/staff/dashboard/", period(billed))
    keys = [table.key for table in response.context["tables"]]
    with CaptureQueriesContext(connection) as downloads:
        for key in keys:
            assert staff_client.get("/staff/dashboard/", period(billed, export=key)).status_code == 200

    read = read_tables([*page.captured_queries, *downloads.captured_queries])
    assert "residents_invoiceline" in read and "tenants_application" in read  # the parsing finds tables
    assert read - watched_tables() == set()


def test_a_payment_recorded_shows_at_once(finance, billed):
    first = finance.get("/staff/dashboard/", period(billed))
    assert "10,385.00" in section(first, "arrears")  # Nordic's overdue

    nordic = billed.companies.get(name="Nordic Biologics")
    january = Invoice.objects.get(company=nordic, period=D(2026, 1, 1), kind="invoice")
    paid(nordic, "6510", D(2026, 3, 1), (january, "6510"))

    arrears = section(finance.get("/staff/dashboard/", period(billed)), "arrears")
    assert "10,385.00" not in arrears and "3,875.00" in arrears


def test_invoices_issued_together_show_in_the_rent_roll_and_its_download_at_once(finance, billed):
    april = period(billed, month="2026-04")
    assert "ICW-" not in section(finance.get("/staff/dashboard/", april), "rent_roll")  # projected, no invoice
    before = finance.get("/staff/dashboard/", {**april, "export": "rent_roll"}).content.decode("utf-8-sig")
    assert "ICW-" not in before

    invoices_issue(today=D(2026, 4, 5))  # one bulk write, no model signals

    assert "ICW-" in section(finance.get("/staff/dashboard/", april), "rent_roll")
    rows = list(
        csv.reader(
            io.StringIO(finance.get("/staff/dashboard/", {**april, "export": "rent_roll"}).content.decode("utf-8-sig"))
        )
    )
    assert all(row[-1].startswith("ICW-") for row in rows[1:] if row[0] in {"Helix Therapeutics", "Nordic Biologics"})


def applications_this_quarter(client) -> int:
    page = client.get("/staff/dashboard/").content.decode()
    return int(re.search(r'Applications this quarter</span> <strong class="headline-value">(\d+)<', page).group(1))


def test_an_application_submitted_counts_at_once(staff_client, campus):
    ApplicationFactory(campus=campus, status="submitted", submitted_at=timezone.now())
    assert applications_this_quarter(staff_client) == 1

    ApplicationFactory(campus=campus, status="submitted", submitted_at=timezone.now())

    assert applications_this_quarter(staff_client) == 2


@pytest.mark.django_db(transaction=True)
def test_views_share_the_kept_sections_until_a_change_commits(staff_client, campus):
    ApplicationFactory(campus=campus, status="submitted", submitted_at=timezone.now())
    with CaptureQueriesContext(connection) as first:
        assert applications_this_quarter(staff_client) == 1
    with CaptureQueriesContext(connection) as second:
        assert applications_this_quarter(staff_client) == 1
    assert len(second) < len(first) / 2  # the second view read the kept sections

    with transaction.atomic():
        ApplicationFactory(campus=campus, status="submitted", submitted_at=timezone.now())
        # Inside the transaction that made it, the change shows; nothing it writes is kept meanwhile.
        assert applications_this_quarter(staff_client) == 2
    assert applications_this_quarter(staff_client) == 2  # and once it has committed, for everyone


def test_people_with_other_permissions_never_get_the_kept_sections(finance, billed):
    assert "arrears" in {t.key for t in finance.get("/staff/dashboard/", period(billed)).context["tables"]}
    assert finance.get("/staff/dashboard/", period(billed, export="arrears")).status_code == 200

    desk = Client()
    desk.force_login(staff_in_role("front_desk"))
    page = desk.get("/staff/dashboard/", period(billed)).content.decode()
    assert 'id="arrears-heading"' not in page and "Accounting exports" not in page
    assert desk.get("/staff/dashboard/", period(billed, export="arrears")).status_code == 404


def test_each_language_gets_its_own_sections(finance, billed):
    english = finance.get("/staff/dashboard/", period(billed)).content.decode()
    chinese = finance.get("/zh-hans/staff/dashboard/", period(billed)).content.decode()
    assert "Arrears" in english
    assert "Arrears" not in chinese and "欠款" in chinese


def test_links_of_the_kept_sections_name_the_period_not_what_else_the_address_held(finance, billed):
    page = finance.get("/staff/dashboard/", period(billed, utm="<x>", month="2026-03")).content.decode()
    other = finance.get("/staff/dashboard/", period(billed, month="2026-03")).content.decode()
    downloads = re.findall(r'href="(\?[^"]*export=\w+)"', page) + re.findall(r'href="(\?[^"]*export=\w+)"', other)
    assert downloads and not [link for link in downloads if "utm" in link]
    assert f"?campus={billed.pk}&amp;start=2026-01-01&amp;end=2026-03-06&amp;month=2026-03&amp;export=" in page


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
@pytest.mark.django_db(transaction=True)
def test_with_the_cache_unreachable_the_dashboard_is_worked_out_and_still_follows_changes(finance, billed):
    # Nothing is kept in this process's memory meanwhile: other processes' changes could not replace it.
    with CaptureQueriesContext(connection) as first:
        assert "10,385.00" in section(finance.get("/staff/dashboard/", period(billed)), "arrears")
    with CaptureQueriesContext(connection) as second:
        assert "10,385.00" in section(finance.get("/staff/dashboard/", period(billed)), "arrears")
    assert len(second) == len(first) > 20
    nordic = billed.companies.get(name="Nordic Biologics")
    january = Invoice.objects.get(company=nordic, period=D(2026, 1, 1), kind="invoice")
    paid(nordic, str(Decimal("6510")), D(2026, 3, 1), (january, "6510"))
    assert "10,385.00" not in section(finance.get("/staff/dashboard/", period(billed)), "arrears")
