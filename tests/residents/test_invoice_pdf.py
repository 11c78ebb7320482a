"""The invoice PDF: one bilingual A4 document per invoice or credit note, with its Chinese font
embedded as a subset, whatever bytes a company's name holds."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from residents.invoice_pdf import amount, invoice_pdf_render, percent, printable, rate
from residents.models import Invoice, InvoiceLine
from residents.rent import LineKind

pytestmark = pytest.mark.django_db

HOSTILE = "Łódź <script>alert('x')</script>\u202e\u200f Evil 🚀 Corp\x00 " + "Bioscience Holdings " * 15


def invoice_with_lines(campus, company, *, number=123, lines=3, **fields):
    """An issued March 2026 invoice: rent, a 50% subsidy and the service charge, repeated."""
    kinds = [
        (LineKind.RENT, Decimal("100"), Decimal("12345.67"), None),
        (LineKind.SUBSIDY, Decimal("100"), Decimal("-6172.84"), Decimal("50")),
        (LineKind.SERVICE_CHARGE, Decimal("20"), Decimal("2469.13"), None),
    ]
    rows = []
    for position in range(1, lines + 1):
        kind, line_rate, net, share = kinds[(position - 1) % 3]
        rows.append(
            InvoiceLine(
                position=position,
                kind=kind,
                first_day=dt.date(2026, 3, 1),
                last_day=dt.date(2026, 3, 31),
                days=31,
                days_in_month=31,
                area_m2=Decimal("123.45"),
                rate=line_rate,
                percent=share,
                net=net,
                tax_percent=Decimal("9"),
                tax=(net * Decimal("0.09")).quantize(Decimal("0.01")),
            )
        )
    net, tax = sum(r.net for r in rows), sum(r.tax for r in rows)
    invoice = Invoice.objects.create(
        campus=campus,
        company=company,
        period=dt.date(2026, 3, 1),
        prefix=campus.invoice_prefix,
        year=2026,
        number=number,
        issued_on=dt.date(2026, 3, 1),
        due_on=dt.date(2026, 3, 16),
        net=net,
        tax=tax,
        total=net + tax,
        **fields,
    )
    for row in rows:
        row.invoice = invoice
    InvoiceLine.objects.bulk_create(rows)
    return invoice


def text_of(pdf: bytes) -> str:
    """The PDF's text, squeezed."""
    return "".join(squeezed(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages)


def squeezed(text: str) -> str:
    """``text`` without whitespace: pypdf reads each two-byte glyph code of the CID font as a
    character and a NUL or a space (poppler's pdftotext reads the same PDF as written)."""
    return "".join(text.replace("\x00", "").split())


@pytest.fixture
def company(resident_company):
    resident_company.name_zh = "海力克斯生物医药"
    resident_company.save(update_fields=["name_zh"])
    return resident_company


def test_invoice_shows_number_parties_dates_lines_and_total_in_english_and_chinese(campus, company):
    invoice = invoice_with_lines(campus, company)

    text = text_of(invoice_pdf_render(invoice))

    assert invoice.display_number == "INV-2026-000123"
    for expected in [
        "Invoice发票",
        "INV-2026-000123",
        "Helix Therapeutics",
        "海力克斯生物医药",
        campus.name,
        campus.name_zh_hans,
        "Issuedate开票日期2026-03-01",
        "Duedate到期日2026-03-16",
        "Billingperiod计费期间2026-03",
        "Rent",
        "租金",
        "Rentsubsidy",
        "租金补贴(50%)",
        "12,345.67",
        "-6,172.84",
        "123.45",
        "9%",
        f"Total合计CNY{amount(invoice.total)}",
    ]:
        assert squeezed(expected) in text, expected
    assert amount(invoice.total) == "9,419.73"


def fonts_of(pdf: bytes) -> list:
    return [font.get_object() for font in PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()]


def font_names(pdf: bytes) -> list[str]:
    """The embedded fonts' names without their subset prefix."""
    return [str(font["/BaseFont"]).split("+")[-1] for font in fonts_of(pdf)]


def test_the_chinese_font_is_embedded_as_a_subset(campus, company):
    pdf = invoice_pdf_render(invoice_with_lines(campus, company))

    fonts = fonts_of(pdf)
    names = [str(font["/BaseFont"]) for font in fonts]
    assert sorted(font_names(pdf)) == ["NotoSansCJKSC", "NotoSansCJKSCBold"]  # no fallback needed
    assert all(re.fullmatch(r"/[A-Z]{6}\+\w+", name) for name in names), names
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile3" in descriptor  # the CFF outlines travel in the file
        assert "/ToUnicode" in font  # so the text can be searched and copied


def test_a_one_page_invoice_stays_small(campus, company):
    pdf = invoice_pdf_render(invoice_with_lines(campus, company))

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert len(pdf) < 100_000


def test_the_same_invoice_renders_to_the_same_bytes(campus, company):
    invoice = invoice_with_lines(campus, company)

    assert invoice_pdf_render(invoice) == invoice_pdf_render(invoice)


def test_an_invoice_without_lines_still_renders(campus, company):
    text = text_of(invoice_pdf_render(invoice_with_lines(campus, company, lines=0)))

    assert "Description项目" in text and "Total合计CNY0.00" in text


def test_credit_note_names_the_invoice_it_corrects_and_why(campus, company):
    corrected = invoice_with_lines(campus, company)
    note = Invoice.objects.create(
        campus=campus,
        company=company,
        kind="credit_note",
        credits=corrected,
        prefix=corrected.prefix,
        year=2026,
        number=124,
        issued_on=dt.date(2026, 3, 20),
        due_on=dt.date(2026, 3, 20),
        net=Decimal("-1000.00"),
        tax=Decimal("-90.00"),
        total=Decimal("-1090.00"),
        reason="The area was 10 m² smaller. 面积少 10 平方米。",
    )
    InvoiceLine.objects.create(
        invoice=note, position=1, kind=LineKind.CORRECTION, net=note.net, tax_percent=Decimal("9"), tax=note.tax
    )

    text = text_of(invoice_pdf_render(note))

    assert "Creditnote贷项通知单" in text
    assert "Invoice发票" not in text
    assert "Correctsinvoice更正的发票INV-2026-000123" in text
    assert squeezed("The area was 10 m² smaller. 面积少 10 平方米。") in text
    assert "TotalCNY" not in text and "Total合计CNY-1,090.00" in text


def test_a_hostile_company_name_renders_without_what_the_font_cannot_print(campus, company):
    # Not saved: PostgreSQL refuses a NUL byte in text, and forms refuse it before that. The
    # renderer reads what it is given.
    company.name, company.name_zh = HOSTILE, "𠮷野家\u200b生物"

    pdf = invoice_pdf_render(invoice_with_lines(campus, company))

    text = text_of(pdf)
    assert "Łódź<script>alert('x')</script>EvilCorp" in text  # printed as text, marks and emoji left out
    assert "?野家生物" in text  # a hanzi the font lacks shows as a question mark
    assert text.count("BioscienceHoldings") == 15  # wrapped over lines, none lost
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "NotoSansBold" in font_names(pdf)  # Ł and ź come from the Latin fallback


def test_a_long_invoice_repeats_its_header_and_numbers_its_pages(campus, company):
    invoice = invoice_with_lines(campus, company, lines=30)

    pages = PdfReader(io.BytesIO(invoice_pdf_render(invoice))).pages

    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        text = squeezed(page.extract_text())
        assert "Invoice发票" in text and "INV-2026-000123" in text
        assert "Description项目" in text  # the table's headings again
        assert text.endswith(f"{number}/2")
    assert f"Total合计CNY{amount(invoice.total)}" in squeezed(pages[1].extract_text())


def test_amounts_rates_and_percentages_read_as_on_paper():
    assert amount(Decimal("1234567.8")) == "1,234,567.80"
    assert amount(Decimal("-0.05")) == "-0.05"
    assert rate(Decimal("100.000000")) == "100.00"
    assert rate(Decimal("4.123400")) == "4.1234"
    assert rate(Decimal("12000.5")) == "12,000.50"
    assert percent(Decimal("9.00")) == "9%"
    assert percent(Decimal("10.00")) == "10%"
    assert percent(Decimal("5.50")) == "5.5%"


def test_printable_keeps_what_the_font_has_and_never_fails():
    assert printable("Helix\u00a0Therapeutics\t 有限公司") == "Helix Therapeutics 有限公司"
    assert printable("A\u200bB\u202eC\x07D") == "ABCD"
    assert printable("Café Łódź（上海）") == "Café Łódź（上海）"
    assert printable("🧬 Gene 𠮷") == "Gene ?"
    assert printable("one\n\ntwo", keep_newlines=True) == "one\n\ntwo"
    assert printable("one\ntwo") == "one two"
    assert printable("") == ""
