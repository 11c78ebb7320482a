"""A company's invoices, credit notes and payments in /my/: its admins and finance people read its
own, with its balance and where each invoice stands; no one else's, and no other role."""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.request
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import translation
from djmoney.money import Money

from common.storage import private_storage, stored_names
from residents.models import Invoice
from residents.services.invoice_documents import invoice_pdf_file
from residents.services.invoices import credit_note_issue
from residents.services.ledger import company_balance
from tests.residents.billing_setup import FAKE_PDF, fake_renderer, invoiced, paid

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = dt.datetime(2026, 4, 10, 9, 0)
MONTH = Decimal("13020.00")  # 100 m² × (100 rent + 9% tax, 20 service charge + 6% tax)


def money(amount, language: str = "en") -> str:
    with translation.override(language):
        return str(Money(Decimal(amount), "CNY"))


def rows(response) -> list[str]:
    """The invoices table's rows as their text, one line each."""
    html = response.content.decode()
    found = re.findall(r'<tr class="invoice-row[^"]*">(.*?)</tr>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


@pytest.fixture
def ledger(resident_company, staff_user):
    """Company A's January to April: paid, credited, partly paid and overdue, partly paid and not due."""
    january, february, march, april = invoiced(resident_company, months=4)
    credit_note_issue(invoice=february, reason="Space not ready", actor=staff_user, today=D(2026, 2, 10))
    paid(resident_company, "13020.00", on=D(2026, 1, 18), reference="BANK-JAN", settles=[(january, "13020.00")])
    paid(
        resident_company,
        "6000.00",
        on=D(2026, 3, 25),
        reference="BANK-MAR",
        settles=[(march, "5000.00"), (april, "1000.00")],
    )
    return {"january": january, "february": february, "march": march, "april": april}


@time_machine.travel(TODAY, tick=False)
def test_finance_reads_the_balance_and_where_each_invoice_stands(ledger, resident_finance, resident_company):
    response = resident_finance.client.get("/my/invoices/")

    assert response.status_code == 200
    owed = company_balance(resident_company).owed
    assert owed == 4 * MONTH - MONTH - Decimal("19020.00")
    assert f"Your company owes <strong>{money(owed)}</strong>" in response.content.decode()
    note = Invoice.objects.get(kind="credit_note")
    number = {name: invoice.display_number for name, invoice in ledger.items()}
    assert rows(response) == [
        f"{number['april']} April 2026 April 5, 2026 April 20, 2026 {money(MONTH)} {money(MONTH - 1000)} Partly paid",
        f"{number['march']} March 2026 March 5, 2026 March 20, 2026 {money(MONTH)} {money(MONTH - 5000)} "
        "Overdue by 21 days",
        f"{note.display_number} · Credit note February 2026 Feb. 10, 2026 {money(-MONTH)} "
        f"Credit note for {number['february']}",
        f"{number['february']} February 2026 Feb. 5, 2026 Feb. 20, 2026 {money(MONTH)} {money(0)} Credited",
        f"{number['january']} January 2026 Jan. 5, 2026 Jan. 20, 2026 {money(MONTH)} {money(0)} Paid",
    ]


def test_days_overdue_are_counted_in_the_campus_time_zone_on_every_page(ledger, resident_finance, client):
    """At 01:00 in Shanghai it is still yesterday in UTC: the company's page, the staff API and the
    reminders all count the campus's day (the March invoice was due on 20 March)."""
    from tests.personas import staff_in_role

    march = ledger["march"]
    client.force_login(staff_in_role("finance"))

    with time_machine.travel(dt.datetime(2026, 4, 10, 17, 0, tzinfo=dt.UTC), tick=False):
        page = rows(resident_finance.client.get("/my/invoices/"))
        staff = client.get(f"/api/v1/invoices/{march.pk}/").json()

    assert any(row.startswith(march.display_number) and row.endswith("Overdue by 22 days") for row in page), page
    assert (staff["status"], staff["days_overdue"]) == ("overdue", 22)


@time_machine.travel(TODAY, tick=False)
def test_an_invoice_shows_its_lines_totals_credit_notes_and_payments(ledger, resident_admin, staff_user):
    march = ledger["march"]
    credit_note_issue(
        invoice=march, reason="Lift out of order", amount=Decimal("1090"), tax_percent=Decimal("9"), actor=staff_user
    )

    page = resident_admin.client.get(f"/my/invoices/{march.pk}/").content.decode()

    assert f"Invoice {march.display_number}" in page
    assert "Rent" in page and "Service charge" in page and "31/31" in page and "100.00" in page
    assert money("10000.00") in page and money("900.00") in page and "9%" in page and "6%" in page
    assert money(MONTH) in page  # the total
    assert "Lift out of order" in page and money("-1090.00") in page
    assert "BANK-MAR" in page and money("5000.00") in page
    assert money(MONTH - 5000 - 1090) in page  # what is still open
    assert f'href="/my/invoices/{march.pk}/pdf/"' in page and "Download PDF" in page

    note = Invoice.objects.get(credits=march)
    note_page = resident_admin.client.get(f"/my/invoices/{note.pk}/").content.decode()
    assert f"Credit note {note.display_number}" in note_page and f'href="/my/invoices/{march.pk}/"' in note_page


@time_machine.travel(TODAY, tick=False)
def test_payments_show_what_each_settled_and_the_credit_it_left(resident_finance, resident_company):
    [january] = invoiced(resident_company)
    paid(resident_company, "20000.00", on=D(2026, 1, 15), reference="SWIFT-123", settles=[(january, MONTH)])

    page = resident_finance.client.get("/my/payments/").content.decode()
    invoices_page = resident_finance.client.get("/my/invoices/").content.decode()

    row = " ".join(re.sub(r"<[^>]+>", " ", re.search(r'<tr class="payment-row">(.*?)</tr>', page, re.S)[1]).split())
    assert (
        row
        == f"Jan. 15, 2026 {money(20000)} SWIFT-123 {january.display_number} ({money(MONTH)}) {money(20000 - MONTH)}"
    )
    assert f"a credit of <strong>{money(20000 - MONTH)}</strong>" in invoices_page
    assert company_balance(resident_company).owed == MONTH - 20000


def test_empty_pages_say_what_will_appear(resident_finance):
    assert "has no invoices yet" in resident_finance.client.get("/my/invoices/").content.decode()
    assert "Your company owes nothing" in resident_finance.client.get("/my/invoices/").content.decode()
    assert "No payment from your company" in resident_finance.client.get("/my/payments/").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_company_b_never_reaches_company_as_invoices(ledger, other_resident, monkeypatch):
    fake_renderer(monkeypatch)
    january = ledger["january"]

    listing = other_resident.client.get("/my/invoices/").content.decode()
    assert january.display_number not in listing and "has no invoices yet" in listing
    assert "BANK-JAN" not in other_resident.client.get("/my/payments/").content.decode()
    for url in [f"/my/invoices/{january.pk}/", f"/my/invoices/{january.pk}/pdf/"]:
        response = other_resident.client.get(url)
        assert response.status_code == 404, url
        assert january.display_number.encode() not in response.content
    january.refresh_from_db()
    assert january.pdf == "", "nothing rendered for the outsider"


@time_machine.travel(TODAY, tick=False)
def test_a_member_without_the_role_reads_no_money(ledger, resident_member, resident_finance):
    january = ledger["january"]

    for url in ["/my/invoices/", f"/my/invoices/{january.pk}/", f"/my/invoices/{january.pk}/pdf/", "/my/payments/"]:
        response = resident_member.client.get(url)
        assert response.status_code == 403, url
        assert january.display_number.encode() not in response.content
    home = resident_member.client.get("/my/").content.decode()
    assert 'href="/my/invoices/"' not in home and "balance-card" not in home

    finance_home = resident_finance.client.get("/my/").content.decode()
    assert 'href="/my/invoices/"' in finance_home and 'href="/my/payments/"' in finance_home
    assert "balance-card" in finance_home and money(company_balance(january.company).owed) in finance_home


@time_machine.travel(TODAY, tick=False)
def test_the_pdf_is_rendered_once_and_downloaded_under_the_invoices_number(ledger, resident_finance, monkeypatch):
    calls = []
    fake_renderer(monkeypatch, calls)
    january = ledger["january"]

    first = resident_finance.client.get(f"/my/invoices/{january.pk}/pdf/")
    second = resident_finance.client.get(f"/my/invoices/{january.pk}/pdf/")

    for response in (first, second):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == FAKE_PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{january.display_number}.pdf"'
        assert response["Cache-Control"] == "private, no-store"
    january.refresh_from_db()
    assert january.pdf == f"invoices/{january.campus.slug}/2026/{january.display_number}.pdf"
    assert calls == [january.pk]


@pytest.mark.parametrize(
    ("reason", "line", "times"),
    [
        ("Wrong area billed, see the letter below.\n" + "Line of the letter.\n" * 60, "Lineoftheletter.", 60),
        ("面积计算有误，" * 280, "误", 280),
    ],
    ids=["many-lines", "long-chinese"],
)
def test_a_credit_note_with_a_long_reason_still_downloads_as_a_pdf(
    resident_company, resident_finance, staff_user, reason, line, times
):
    """The reason staff give may be a pasted letter (up to 2,000 characters): it runs onto the next
    page rather than leaving the company without the document (and the e-mail without its PDF)."""
    from pypdf import PdfReader

    [invoice] = invoiced(resident_company)
    note = credit_note_issue(invoice=invoice, reason=reason, actor=staff_user)

    response = resident_finance.client.get(f"/my/invoices/{note.pk}/pdf/")

    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    text = "".join("".join(page.extract_text().replace("\x00", "").split()) for page in pages)
    assert len(pages) == 2 and text.count(line) == times  # every line of it, over two pages


@time_machine.travel(TODAY, tick=False)
def test_two_requests_rendering_at_once_keep_one_file(ledger, monkeypatch):
    january = ledger["january"]
    mine = Invoice.objects.select_related("campus").get(pk=january.pk)

    def render_while_another_request_stores_its_file(invoice):
        other = Invoice.objects.select_related("campus").get(pk=invoice.pk)
        monkeypatch.setattr(
            "residents.services.invoice_documents.invoice_pdf_bytes", lambda invoice: b"%PDF-1.4 theirs"
        )
        invoice_pdf_file(other)
        return FAKE_PDF

    monkeypatch.setattr(
        "residents.services.invoice_documents.invoice_pdf_bytes", render_while_another_request_stores_its_file
    )

    name = invoice_pdf_file(mine)

    january.refresh_from_db()
    assert name == january.pdf == mine.pdf
    assert [path for path in stored_names() if path.startswith("invoices/")] == [name]
    with private_storage.open(name) as stored:
        assert stored.read() == b"%PDF-1.4 theirs"


@time_machine.travel(TODAY, tick=False)
def test_in_a_bucket_the_pdf_is_stored_once_and_handed_over_by_a_signed_url(
    ledger, resident_finance, monkeypatch, bucket, settings
):
    settings.DOCUMENT_DOWNLOAD_REDIRECT = True
    fake_renderer(monkeypatch)
    january = ledger["january"]

    response = resident_finance.client.get(f"/my/invoices/{january.pk}/pdf/")

    january.refresh_from_db()
    assert bucket.names() == [f"documents/{january.pdf}"] and bucket.read(january.pdf) == FAKE_PDF
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(response["Location"], timeout=10) as stored:  # noqa: S310 - the test's own bucket
        assert stored.read() == FAKE_PDF
        assert stored.headers["Content-Disposition"] == f'attachment; filename="{january.display_number}.pdf"'


def test_a_file_of_that_name_is_never_overwritten(resident_company, monkeypatch):
    fake_renderer(monkeypatch)
    [january] = invoiced(resident_company)
    taken = f"invoices/{january.campus.slug}/2026/{january.display_number}.pdf"
    private_storage.save(taken, ContentFile(b"older"))

    name = invoice_pdf_file(Invoice.objects.select_related("campus").get(pk=january.pk))

    assert name != taken and name.startswith(taken.removesuffix(".pdf"))
    with private_storage.open(taken) as older:
        assert older.read() == b"older"


@time_machine.travel(TODAY, tick=False)
def test_the_lists_run_the_same_queries_whatever_the_number_of_rows(
    resident_finance, resident_company, django_assert_max_num_queries
):
    [first] = invoiced(resident_company)
    paid(resident_company, "100.00", settles=[(first, "100.00")])
    few = {}
    for url in ("/my/invoices/", "/my/payments/"):
        with django_assert_max_num_queries(10) as one:  # the session, the person, the page, its balance
            assert resident_finance.client.get(url).status_code == 200
        few[url] = len(one.captured_queries)

    more = invoiced(resident_company, months=24) + invoiced(resident_company, months=3)
    for number, invoice in enumerate(more[:26]):
        paid(resident_company, "10.00", on=D(2026, 2, 1) + dt.timedelta(days=number), settles=[(invoice, "10.00")])

    for url, count in few.items():
        with django_assert_max_num_queries(count):
            page = resident_finance.client.get(url)
        assert page.status_code == 200 and 'rel="next"' in page.content.decode(), url
        with django_assert_max_num_queries(count):
            assert resident_finance.client.get(f"{url}?page=2").status_code == 200
    assert len(rows(resident_finance.client.get("/my/invoices/"))) == 25


@time_machine.travel(TODAY, tick=False)
def test_the_pages_read_in_chinese(ledger, resident_finance):
    march = ledger["march"]

    listing = resident_finance.client.get("/zh-hans/my/invoices/").content.decode()
    detail = resident_finance.client.get(f"/zh-hans/my/invoices/{march.pk}/").content.decode()
    payments = resident_finance.client.get("/zh-hans/my/payments/").content.decode()

    with translation.override("zh-hans"):
        headings = [translation.gettext(text) for text in ("Invoices and credit notes", "Balance", "Status")]
        lines, received = translation.gettext("Lines"), translation.gettext("Payments received")
    assert '<html lang="zh-Hans">' in listing
    assert all(heading in listing for heading in headings)
    assert "2026年3月" in listing and money(MONTH, "zh-hans") in listing
    assert lines in detail and received in payments


@time_machine.travel(TODAY, tick=False)
def test_the_home_runs_the_same_queries_whatever_the_company_holds(
    resident_finance, resident_company, django_assert_max_num_queries
):
    [first] = invoiced(resident_company)
    paid(resident_company, "100.00", settles=[(first, "100.00")])
    with django_assert_max_num_queries(12) as one:  # the session, the person, the page, its balance
        assert resident_finance.client.get("/my/").status_code == 200

    more = invoiced(resident_company, months=12) + invoiced(resident_company, months=3)
    for number, invoice in enumerate(more):
        paid(resident_company, "10.00", on=D(2026, 2, 1) + dt.timedelta(days=number), settles=[(invoice, "10.00")])

    with django_assert_max_num_queries(len(one.captured_queries)):
        home = resident_finance.client.get("/my/")
    assert home.status_code == 200 and home.context["balance"] is not None
    assert home.context["allocations"].count() >= 3
