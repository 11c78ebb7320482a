"""The staff dashboard keeps the sections of its default period in the cache: every change that can
move a figure shows on the next view, and people with other permissions or another language never
get sections worked out for others.

The tests commit (``transaction=True``): a change is told to the cache when its transaction commits,
and inside a test's own transaction nothing would ever be kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import redis
from django.apps import apps
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.cache import RedisCacheClient
from partners.choices import Attribution
from partners.models import Referral
from partners.services import referral_attribution_answer
from portal.kpis import default_period
from portal.receivers import DASHBOARD_RELATIONS, DASHBOARD_SOURCES
from residents.models import Invoice
from residents.services.invoices import invoices_issue
from tests.caches import redis_caches
from tests.partners.factories import PartnerFactory
from tests.personas import staff_in_role
from tests.portal.finance_setup import paid
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

D = dt.date
# Tables every signed-in staff page reads, whatever it shows: the session, the account and its
# permissions, the second factor.
REQUEST_PREFIXES = ("django_session", "auth_", "otp_", "django_content_type")


def default_view(campus, **extra) -> dict:
    """The dashboard's own defaults, written out: the last year and this month."""
    start, end = default_period()
    return {"campus": campus.pk, "start": start, "end": end, "month": f"{end:%Y-%m}", **extra}


def section(response, key: str) -> str:
    page = response.content.decode()
    part = page[page.index(f'id="{key}-heading"') :]
    return part[: part.index("</section>")]


def nordic_overdue(client, campus) -> str:
    """Nordic's overdue amount in the arrears section, as the page writes it."""
    arrears = section(client.get("/staff/dashboard/", default_view(campus)), "arrears")
    row = arrears[arrears.index("Nordic Biologics") :]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row[: row.index("</tr>")])[-1]


def pay_nordics_january(campus) -> None:
    nordic = campus.companies.get(name="Nordic Biologics")
    january = Invoice.objects.get(company=nordic, period=D(2026, 1, 1), kind="invoice")
    paid(nordic, "6510", D(2026, 3, 1), (january, "6510"))


def watched_tables() -> set[str]:
    tables = {apps.get_model(label)._meta.db_table for label in DASHBOARD_SOURCES}
    for label, name in DASHBOARD_RELATIONS:
        tables.add(apps.get_model(label)._meta.get_field(name).remote_field.through._meta.db_table)
    return tables


def read_tables(queries) -> set[str]:
    names = set()
    for query in queries:
        names |= set(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"]))
    return {name for name in names if not name.startswith(REQUEST_PREFIXES)}


def test_every_table_the_dashboard_and_its_downloads_read_is_watched(staff_client, billed):
    """A table read but not watched would leave its changes off the dashboard until the sections expire."""
    with CaptureQueriesContext(connection) as page:
        response = staff_client.get("/staff/dashboard/", default_view(billed))
    keys = re.findall(r'<section id="(\w+)" aria-labelledby="\1-heading" class="kpi">', response.content.decode())
    with CaptureQueriesContext(connection) as downloads:
        for key in keys:
            if key not in {"accounting-exports", "resource-use"}:
                assert staff_client.get("/staff/dashboard/", default_view(billed, export=key)).status_code == 200, key

    read = read_tables([*page.captured_queries, *downloads.captured_queries])
    assert {"residents_invoiceline", "tenants_application", "partners_referral"} <= read  # the parsing finds tables
    assert read - watched_tables() == set()


def test_views_share_the_kept_sections_and_a_payment_replaces_them(finance, billed):
    with CaptureQueriesContext(connection) as first:
        assert nordic_overdue(finance, billed) == "16,895.00"  # January, February's rest and March
    with CaptureQueriesContext(connection) as second:
        assert nordic_overdue(finance, billed) == "16,895.00"
    assert len(second) < len(first) / 3  # the second view read the kept sections

    pay_nordics_january(billed)

    assert nordic_overdue(finance, billed) == "10,385.00"


def test_a_change_shows_inside_its_own_transaction_and_is_kept_only_once_committed(finance, billed):
    assert nordic_overdue(finance, billed) == "16,895.00"
    with transaction.atomic():
        pay_nordics_january(billed)
        assert nordic_overdue(finance, billed) == "10,385.00"
        with CaptureQueriesContext(connection) as again:
            assert nordic_overdue(finance, billed) == "10,385.00"
        assert len(again) > 20  # worked out afresh: nothing this transaction sees is kept
    assert nordic_overdue(finance, billed) == "10,385.00"


def test_invoices_issued_together_show_in_the_rent_roll_and_its_download_at_once(finance, billed):
    this_month = timezone.localdate().replace(day=1)
    download = default_view(billed, export="rent_roll")
    assert "ICW-" not in section(finance.get("/staff/dashboard/", default_view(billed)), "rent_roll")  # projected
    assert "ICW-" not in finance.get("/staff/dashboard/", download).content.decode("utf-8-sig")

    invoices_issue(today=this_month + dt.timedelta(days=4))  # one bulk write: no model signals

    assert "ICW-" in section(finance.get("/staff/dashboard/", default_view(billed)), "rent_roll")
    rows = list(csv.reader(io.StringIO(finance.get("/staff/dashboard/", download).content.decode("utf-8-sig"))))
    assert [row[-1][:4] for row in rows[1:3]] == ["ICW-", "ICW-"]


def test_a_referral_the_applicant_confirms_counts_at_once(staff_client, campus):
    application = ApplicationFactory(campus=campus, status="submitted")
    referral = Referral.objects.create(
        partner=PartnerFactory(name="UK BioIndustry Association"),
        application=application,
        company=application.company,
        contact_name="Ada Lovelace",
        contact_email="ada@helix.example.com",
        attribution=Attribution.PENDING,
    )
    before = section(staff_client.get("/staff/dashboard/", default_view(campus)), "referrals")
    assert "UK BioIndustry Association" not in before

    referral_attribution_answer(referral=referral, referred=True, actor=None)  # an update: no model signal

    after = section(staff_client.get("/staff/dashboard/", default_view(campus)), "referrals")
    assert "UK BioIndustry Association" in after


def test_people_with_other_permissions_never_get_the_kept_sections(finance, billed):
    assert 'id="arrears-heading"' in finance.get("/staff/dashboard/", default_view(billed)).content.decode()
    assert finance.get("/staff/dashboard/", default_view(billed, export="arrears")).status_code == 200

    desk = Client()
    desk.force_login(staff_in_role("front_desk"))
    page = desk.get("/staff/dashboard/", default_view(billed)).content.decode()
    assert 'id="arrears-heading"' not in page and "Accounting exports" not in page
    assert desk.get("/staff/dashboard/", default_view(billed, export="arrears")).status_code == 404


def test_each_language_gets_its_own_sections(finance, billed):
    english = finance.get("/staff/dashboard/", default_view(billed)).content.decode()
    chinese = finance.get("/zh-hans/staff/dashboard/", default_view(billed)).content.decode()
    assert "Arrears" in english and "欠款" not in english
    assert "Arrears" not in chinese and "欠款" in chinese


def test_other_periods_are_worked_out_at_each_view_and_never_kept(finance, billed):
    """Only the default period is kept: asking for many periods cannot fill the cache."""
    march = {"campus": billed.pk, "start": "2026-01-01", "end": "2026-03-06", "month": "2026-03"}
    with CaptureQueriesContext(connection) as first:
        finance.get("/staff/dashboard/", march)
    with CaptureQueriesContext(connection) as second:
        assert "10,385.00" in section(finance.get("/staff/dashboard/", march), "arrears")
    assert len(second) == len(first) > 20


def test_links_of_the_kept_sections_name_the_period_not_what_else_the_address_held(finance, billed, monkeypatch):
    monkeypatch.setattr("portal.kpis.PAGE_ROWS", 1)  # every long table links to its CSV
    page = finance.get("/staff/dashboard/", default_view(billed, utm="<x>")).content.decode()
    other = finance.get("/staff/dashboard/", default_view(billed)).content.decode()

    links = re.findall(r'href="(\?[^"]*export=\w+)"', page) + re.findall(r'href="(\?[^"]*export=\w+)"', other)
    assert links and not [link for link in links if "utm" in link]


@override_settings(CACHES=redis_caches("redis://127.0.0.1:1/0", timeout=0.2))  # nothing listens there
def test_with_redis_down_the_dashboard_is_worked_out_at_each_view_and_follows_changes(finance, billed):
    # Nothing is kept in this process's memory meanwhile: other processes' changes could not replace it.
    with CaptureQueriesContext(connection) as first:
        assert nordic_overdue(finance, billed) == "16,895.00"
    with CaptureQueriesContext(connection) as second:
        assert nordic_overdue(finance, billed) == "16,895.00"
    assert len(second) == len(first) > 20

    pay_nordics_january(billed)

    assert nordic_overdue(finance, billed) == "10,385.00"


@pytest.fixture
def redis_cache(own_redis):
    with override_settings(CACHES=redis_caches(own_redis.url, OUTAGE_RETRY_SECONDS=0)):
        yield own_redis


def test_a_change_committed_while_redis_did_not_answer_replaces_the_kept_sections_once_it_does(
    redis_cache, finance, billed, monkeypatch
):
    assert nordic_overdue(finance, billed) == "16,895.00"
    assert redis_cache.client().keys("portal:*dashboard:*"), "the sections are kept in Redis"

    def unanswered(self, key, delta):
        raise redis.exceptions.TimeoutError("Timeout reading from socket")

    # The payment commits while Redis does not answer this process: the generation moves only in
    # this process's memory.
    with monkeypatch.context() as outage:
        outage.setattr(RedisCacheClient, "incr", unanswered)
        pay_nordics_january(billed)

    assert nordic_overdue(finance, billed) == "10,385.00"
