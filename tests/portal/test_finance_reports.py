"""The dashboard's finance sections and the accounting exports, against the small example worked by
hand in ``tests/portal/finance_setup.py`` (read it first: the numbers below come from its table)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from residents.models import Invoice
from residents.services.invoices import invoices_issue
from tests.campus.factories import BuildingFactory, SpaceFactory
from tests.personas import staff_in_role
from tests.portal.finance_setup import lease_of, paid
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

D = dt.date
REPORT_DAY = D(2026, 3, 6)  # Nordic's January invoice (due 20 January) is 45 days past due
FINANCE_KEYS = {"rent_roll", "arrears", "revenue_by_building", "revenue_by_kind", "paying_occupancy"}


def period(campus, **extra) -> dict:
    return {"campus": campus.pk, "start": "2026-01-01", "end": REPORT_DAY.isoformat(), **extra}


def tables(response) -> dict:
    return {table.key: table for table in response.context["tables"]}


def n(value: str) -> Decimal:
    return Decimal(value)


def amounts(values: str) -> list[Decimal]:
    """``"100 -10000"`` as amounts to the fen: ``[Decimal("100.00"), Decimal("-10000.00")]``."""
    return [Decimal(value).quantize(Decimal("0.01")) for value in values.split()]


# --- The sections -------------------------------------------------------------------------------


def test_the_rent_roll_of_an_invoiced_month_reads_the_invoices(finance, billed):
    roll = tables(finance.get("/staff/dashboard/", period(billed, month="2026-03")))["rent_roll"]

    assert roll.rows == [
        ["Helix Therapeutics", "A-101", *amounts("100 100 10000 -10000 2000 2000 120 2120"), "CNY", "ICW-2026-000006"],
        ["Nordic Biologics", "B-201", *amounts("50 100 5000 0 1000 6000 510 6510"), "CNY", "ICW-2026-000007"],
    ]
    assert roll.totals == [["Total", "", n("150.00"), "", *amounts("15000 -10000 3000 8000 630 8630"), "CNY", ""]]


def test_the_rent_roll_of_a_month_not_yet_invoiced_is_projected_from_the_lease(finance, billed):
    roll = tables(finance.get("/staff/dashboard/", period(billed, month="2026-04")))["rent_roll"]

    # April is Helix's fourth month: rent is due again.
    assert [row[4:] for row in roll.rows] == [
        [n("10000.00"), n("0.00"), n("2000.00"), n("12000.00"), n("1020.00"), n("13020.00"), "CNY", "Projected"],
        [n("5000.00"), n("0.00"), n("1000.00"), n("6000.00"), n("510.00"), n("6510.00"), "CNY", "Projected"],
    ]


def test_arrears_are_bucketed_by_days_past_due_on_the_report_day(finance, billed):
    arrears = tables(finance.get("/staff/dashboard/", period(billed)))["arrears"]

    assert arrears.columns[2:] == [
        "Current (not yet due)",
        "0–30 days",
        "31–60 days",
        "61–90 days",
        "over 90 days",
        "Overdue",
    ]
    # Helix: January paid; February (due 20 Feb) 14 days late, less the 380 credit March's issue
    # spent on it; March not yet due.
    # Nordic: January 45 days late; February 6,510 - 1,000 paid - 1,635 credited; March not yet due.
    zero = n("0.00")
    assert arrears.rows == [
        ["Helix Therapeutics", "CNY", n("2120.00"), n("1740.00"), zero, zero, zero, n("1740.00")],
        ["Nordic Biologics", "CNY", n("6510.00"), n("3875.00"), n("6510.00"), zero, zero, n("10385.00")],
    ]
    assert arrears.totals == [["Total", "CNY", n("8630.00"), n("5615.00"), n("6510.00"), zero, zero, n("12125.00")]]


def test_arrears_on_an_earlier_day_leave_out_later_payments_and_credit_notes(finance, billed):
    arrears = tables(finance.get("/staff/dashboard/", period(billed, end="2026-02-24")))["arrears"]

    # On 24 February the credit note and Nordic's payment (25 February) were still to come: its
    # January invoice was 35 days late and its February one 4 days late, in full.
    zero = n("0.00")
    assert arrears.rows[1][2:] == [zero, n("6510.00"), n("6510.00"), zero, zero, n("13020.00")]


def test_revenue_per_m2_is_net_revenue_over_leased_area_months(finance, billed):
    sections = tables(finance.get("/staff/dashboard/", period(billed)))
    by_building, by_kind = sections["revenue_by_building"], sections["revenue_by_kind"]

    # A: 3 × (10,000 rent - 10,000 waived + 2,000 service) = 6,000 over 100 m² × 3 months = 20.00.
    # B: 3 × 6,000 - 1,500 credited (net of tax) = 16,500 over 50 m² × 3 months = 110.00.
    assert by_building.rows == [
        ["A", "CNY", n("6000.00"), n("300.00"), n("20.00")],
        ["B", "CNY", n("16500.00"), n("150.00"), n("110.00")],
    ]
    assert by_building.totals == [["Total", "CNY", n("22500.00"), n("450.00"), n("50.00")]]
    assert [(row[0], row[-1]) for row in by_kind.rows] == [("Laboratory", n("20.00")), ("Office", n("110.00"))]


def test_paying_occupancy_leaves_out_rent_free_months(finance, billed):
    occupancy = tables(finance.get("/staff/dashboard/", period(billed)))["paying_occupancy"]

    # A: 100 of 200 m² leased, rent-free in March; B: 50 of 200 m² leased and paying.
    assert occupancy.rows == [
        ["A", n("200.00"), n("100.00"), n("50.0"), n("0.00"), n("0.0")],
        ["B", n("200.00"), n("50.00"), n("25.0"), n("50.00"), n("25.0")],
    ]
    assert occupancy.totals == [["Total", n("400.00"), n("150.00"), n("37.5"), n("50.00"), n("12.5")]]
    april = tables(finance.get("/staff/dashboard/", period(billed, end="2026-04-06")))["paying_occupancy"]
    assert april.totals[0][-2:] == [n("150.00"), n("37.5")]


def test_a_partly_subsidised_month_counts_as_paying(finance, campus):
    space = SpaceFactory(building__campus=campus, area_m2=Decimal("80"))
    lease_of(CompanyFactory(campus=campus), space, subsidies=[(1, 12, Decimal("50"))])

    occupancy = tables(finance.get("/staff/dashboard/", period(campus)))["paying_occupancy"]

    assert occupancy.totals[0][1:] == [n("80.00"), n("80.00"), n("100.0"), n("80.00"), n("100.0")]


TOTALS = [15000, -10000, 3000, 8000, 630, 8630]


def test_each_section_has_a_labelled_chart_and_a_csv_with_its_totals(finance, billed):
    response = finance.get("/staff/dashboard/", period(billed, month="2026-03"))
    page = response.content.decode()

    sections = dict(re.findall(r'<section id="([a-z_]+)"(.*?)</section>', page, re.DOTALL))
    assert all('class="labelled-bars"' in sections[key] for key in FINANCE_KEYS)
    assert ">Helix Therapeutics</text>" in page and ">2,000.00 CNY</text>" in page
    assert ">31–60 days</text>" in page and ">6,510.00 CNY</text>" in page
    assert ">110.00 CNY/m²/month</text>" in page
    paying = sections["paying_occupancy"]
    assert ">Paying occupancy %</text>" in paying and ">12.5 %</text>" not in paying  # totals are not bars
    assert ">25.0 %</text>" in page
    assert 'type="month"' in page and 'value="2026-03"' in page

    download = finance.get("/staff/dashboard/", period(billed, month="2026-03", export="rent_roll"))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Company", "Spaces", "Area m²"]
    assert rows[1][0] == "Helix Therapeutics" and rows[1][-1] == "ICW-2026-000006"
    assert rows[-1] == ["Total", "", "150.00", "", *[f"{amount}.00" for amount in TOTALS], "CNY", ""]


def test_a_bad_month_is_named_and_kept(finance, billed):
    response = finance.get("/staff/dashboard/", period(billed, month="March"))

    assert "month" in response.context["form"].errors
    assert 'value="March"' in response.content.decode()


# --- Accounting exports -------------------------------------------------------------------------


def export(client, campus, dataset: str, fmt: str):
    return client.get(f"/staff/finance/{dataset}.{fmt}", period(campus))


def streamed(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_invoices_export_one_row_per_line_with_the_invoice_credit_notes_naming_theirs(finance, billed):
    response = export(finance, billed, "invoices", "csv")

    assert response["Content-Disposition"].endswith(f'"{billed.slug}-invoices-2026-01-01-2026-03-06.csv"')
    rows = streamed(response)
    assert rows[0] == [
        "Invoice number",
        "Document",
        "Company",
        "Issued on",
        "Due on",
        "Period",
        "Line",
        "Line kind",
        "Description",
        "Net",
        "Tax %",
        "Tax",
        "Gross",
        "Currency",
        "Corrects invoice",
    ]
    assert len(rows) == 1 + 3 * (3 + 2) + 1  # Helix: rent, subsidy, service; Nordic: rent, service; the note
    assert rows[1] == [
        *("ICW-2026-000001", "Invoice", "Helix Therapeutics", "2026-01-05", "2026-01-20", "2026-01"),
        *("1", "Rent", "", "10000.00", "9.00", "900.00", "10900.00", "CNY", ""),
    ]
    note = next(row for row in rows if row[1] == "Credit note")
    assert note == [
        *("ICW-2026-000005", "Credit note", "Nordic Biologics", "2026-02-25", "2026-02-25", "2026-02"),
        *("1", "Correction", "Goodwill", "-1500.00", "9.00", "-135.00", "-1635.00", "CNY", "ICW-2026-000004"),
    ]


def test_payments_export_a_row_per_allocation_and_one_for_the_unallocated_rest(finance, billed):
    from tests.portal.finance_setup import paid
    from tests.tenants.factories import CompanyFactory

    paid(CompanyFactory(campus=billed, name="Prepaid Labs"), "800", D(2026, 3, 1))  # no invoice yet: all credit
    rows = streamed(export(finance, billed, "payments", "csv"))

    assert rows[0][-4:] == ["Currency", "Row", "Invoice number", "Amount"]
    assert [row[1:3] + row[5:] for row in rows[1:]] == [
        ["2026-01-15", "Helix Therapeutics", "2500.00", "CNY", "Allocated", "ICW-2026-000001", "2120.00"],
        ["2026-01-15", "Helix Therapeutics", "2500.00", "CNY", "Allocated", "ICW-2026-000003", "380.00"],
        ["2026-02-25", "Nordic Biologics", "1000.00", "CNY", "Allocated", "ICW-2026-000004", "1000.00"],
        ["2026-03-01", "Prepaid Labs", "800.00", "CNY", "Unallocated", "", "800.00"],
    ]


def test_exports_open_in_excel_with_numbers_and_dates(finance, billed):
    invoices = openpyxl.load_workbook(io.BytesIO(b"".join(export(finance, billed, "invoices", "xlsx")))).active
    payments = openpyxl.load_workbook(io.BytesIO(b"".join(export(finance, billed, "payments", "xlsx")))).active

    assert invoices.title == "Invoices"
    assert [cell.value for cell in invoices[1]][:3] == ["Invoice number", "Document", "Company"]
    first = [cell.value for cell in invoices[2]]
    assert first[0] == "ICW-2026-000001" and first[3] == dt.datetime(2026, 1, 5)
    assert first[9:13] == [10000, 9, 900, 10900]
    assert invoices.max_row == 1 + 16
    assert [cell.value for cell in payments[3]][7:] == ["Allocated", "ICW-2026-000003", 380]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("leases", [3, 30])
def test_exports_run_a_fixed_number_of_queries(finance, campus, django_assert_max_num_queries, leases, fmt):
    many(campus, leases)

    # Signing in and the campus: 6; the invoice lines: 1; payments and their allocations: 2.
    for dataset, queries in (("invoices", 7), ("payments", 8)):
        with django_assert_max_num_queries(queries):
            response = export(finance, campus, dataset, fmt)
            content = b"".join(response.streaming_content)
        assert content.count(b"Company ") >= leases or fmt == "xlsx"


def test_every_finance_download_is_kept_by_no_cache(finance, billed):
    """Like a document or a person's data export: what the campus was paid is never stored by a
    browser's or a proxy's cache."""
    downloads = [
        export(finance, billed, dataset, fmt) for dataset in ("invoices", "payments") for fmt in ("csv", "xlsx")
    ]
    downloads.append(finance.get("/staff/dashboard/", period(billed, export="arrears")))

    for response in downloads:
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store", response["Content-Disposition"]


def test_a_bad_period_is_refused_naming_the_field(finance, billed):
    response = finance.get("/staff/finance/invoices.csv", {"campus": billed.pk, "start": "2026-13-01", "end": "x"})

    assert response.status_code == 400
    assert "start:" in response.content.decode() and "end:" in response.content.decode()
    assert finance.get("/staff/finance/leases.csv", period(billed)).status_code == 404


# --- Who sees it ---------------------------------------------------------------------------------


def test_finance_sees_the_sections_and_front_desk_does_not(finance, billed):
    assert tables(finance.get("/staff/dashboard/", period(billed))).keys() >= FINANCE_KEYS
    assert export(finance, billed, "invoices", "csv").status_code == 200

    desk = Client()
    desk.force_login(staff_in_role("front_desk"))
    page = desk.get("/staff/dashboard/", period(billed))
    assert not FINANCE_KEYS & tables(page).keys()
    assert "Accounting exports" not in page.content.decode() and 'type="month"' not in page.content.decode()
    assert desk.get("/staff/dashboard/", period(billed, export="arrears")).status_code == 404
    assert export(desk, billed, "invoices", "csv").status_code == 403
    assert export(desk, billed, "payments", "xlsx").status_code == 403


def test_residents_and_strangers_are_sent_to_sign_in(billed, resident_finance, client):
    for who in (resident_finance.client, client):
        for url in ("/staff/dashboard/", "/staff/finance/invoices.csv", "/staff/finance/payments.xlsx"):
            response = who.get(url, period(billed))
            assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- At scale, and hostile names -----------------------------------------------------------------


def many(campus, count: int) -> None:
    """``count`` companies, each with a lease, an invoice for January and February, and a payment."""
    campus.billing_day = 5
    campus.save()
    building = BuildingFactory(campus=campus)
    for index in range(count):
        company = CompanyFactory(campus=campus, name=f"Company {index:02d}")
        lease_of(company, SpaceFactory(building=building, area_m2=Decimal("40")), subsidies=[(1, 1, Decimal("100"))])
    invoices_issue(today=D(2026, 1, 5))
    invoices_issue(today=D(2026, 2, 5))
    for invoice in Invoice.objects.filter(period=D(2026, 1, 1)):
        paid(invoice.company, "1000", D(2026, 1, 20), (invoice, str(min(invoice.total, Decimal("1000")))))


@pytest.mark.parametrize("leases", [3, 30])
def test_the_finance_sections_run_a_fixed_number_of_queries(finance, campus, django_assert_max_num_queries, leases):
    many(campus, leases)

    # The same queries whatever the number of leases, invoices and payments (a month still to
    # project also loads its leases' allocations and subsidies).
    with CaptureQueriesContext(connection) as invoiced:
        response = finance.get("/staff/dashboard/", period(campus, month="2026-02"))
    assert len(tables(response)["rent_roll"].rows) == leases
    with CaptureQueriesContext(connection) as projected:
        finance.get("/staff/dashboard/", period(campus, month="2026-05"))
    assert (len(invoiced), len(projected)) == (28, 30)


def test_a_long_table_shows_its_first_rows_and_says_the_rest_are_in_its_csv(finance, campus, monkeypatch):
    monkeypatch.setattr("portal.kpis.PAGE_ROWS", 4)
    many(campus, 6)

    page = finance.get("/staff/dashboard/", period(campus, month="2026-02")).content.decode()
    roll = page[page.index('id="rent_roll-heading"') :]
    roll = roll[: roll.index("</section>")]
    assert "Company 03" in roll and "Company 04" not in roll
    assert "The first 4 rows are shown here; 2 more are in the CSV." in roll
    assert roll.count('class="bar') <= 4 * 3  # the chart draws the rows shown, not every lease
    download = finance.get("/staff/dashboard/", period(campus, month="2026-02", export="rent_roll"))
    names = [row[0] for row in csv.reader(io.StringIO(download.content.decode("utf-8-sig")))]
    assert {f"Company {index:02d}" for index in range(6)} <= set(names)


def test_a_formula_in_a_company_name_is_neutralised_in_every_download(finance, billed):
    name = "=cmd|' /C calc'!A0"
    hostile = CompanyFactory(campus=billed, name=name)
    lease_of(hostile, SpaceFactory(building__campus=billed, area_m2=Decimal("10")))
    invoices_issue(today=D(2026, 3, 5))

    roll = finance.get("/staff/dashboard/", period(billed, month="2026-03", export="rent_roll"))
    cells = [row[0] for row in csv.reader(io.StringIO(roll.content.decode("utf-8-sig")))]
    assert "'" + name in cells and name not in cells
    exported = [row[2] for row in streamed(export(finance, billed, "invoices", "csv"))]
    assert "'" + name in exported and name not in exported
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export(finance, billed, "invoices", "xlsx")))).active
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[2].value == name)
    assert cell.data_type == "s"  # text, not a formula
    # Negative amounts stay numbers.
    assert any(row[9] == "-10000.00" for row in streamed(export(finance, billed, "invoices", "csv")))
