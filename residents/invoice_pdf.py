"""The PDF of an invoice or credit note: one A4 document in English and Simplified Chinese.

Every label is printed in both languages, whatever the language of the person who asks for it,
so the document's own labels are pairs written here (as the onboarding tasks' names are), not
messages of the catalogue; the kinds of lines are the catalogue's, printed under ``override("en")``
and ``override("zh-hans")``.

Chinese needs a font with its glyphs: ``residents/fonts`` holds Noto Sans CJK SC cut down to
Latin, punctuation and GB2312, and Noto Sans for the Latin, Greek and Cyrillic letters the CJK
face lacks (``residents/fonts/README.md`` rebuilds them). fpdf2 embeds only the glyphs each PDF
uses, so a one-page invoice weighs tens of kilobytes. A character neither font has (an emoji, a
hanzi outside GB2312, a right-to-left mark) never fails a PDF: a letter or digit is printed as
``?``, anything else is left out.

fpdf2 subsets a loaded font in place when it writes a document, so a loaded font serves one
document: each PDF loads the two faces again (bench/README.md, "Invoice PDFs", has the cost).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils import translation
from fontTools.ttLib import TTFont
from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode, TableHeadingsDisplay

from .rent import LineKind

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY, FALLBACK = "notosanssc", "notosans"
FACES = {
    (FAMILY, ""): FONTS / "NotoSansSC-Invoice-Regular.otf",
    (FAMILY, "B"): FONTS / "NotoSansSC-Invoice-Bold.otf",
    (FALLBACK, ""): FONTS / "NotoSans-Invoice-Regular.ttf",
    (FALLBACK, "B"): FONTS / "NotoSans-Invoice-Bold.ttf",
}
MARGIN = 15  # mm
GREY = (90, 90, 90)
RULE = (180, 180, 180)
SHADE = (242, 242, 242)

LABELS = {
    "invoice": ("Invoice", "发票"),
    "credit_note": ("Credit note", "贷项通知单"),
    "number": ("Number", "编号"),
    "issued_on": ("Issue date", "开票日期"),
    "due_on": ("Due date", "到期日"),
    "period": ("Billing period", "计费期间"),
    "currency": ("Currency", "币种"),
    "issuer": ("Issued by", "开票方"),
    "customer": ("Bill to", "客户"),
    "corrects": ("Corrects invoice", "更正的发票"),
    "reason": ("Reason", "原因"),
    "description": ("Description", "项目"),
    "days": ("From – to", "起止日期"),
    "area": ("Area m²", "面积 m²"),
    "rate": ("Rate /m²/month", "单价 /m²/月"),
    "net": ("Net", "不含税金额"),
    "tax_percent": ("Tax %", "税率"),
    "tax": ("Tax", "税额"),
    "gross": ("Gross", "含税金额"),
    "total": ("Total", "合计"),
}


def invoice_pdf_render(invoice) -> bytes:
    """The PDF of ``invoice`` (an invoice or a credit note), with its lines, as bytes."""
    lines = list(invoice.lines.all())
    pdf = _InvoicePDF(invoice, fallback=_needs_fallback(invoice, lines))
    pdf.add_page()
    _parties(pdf, invoice)
    _details(pdf, invoice)
    _lines(pdf, lines, invoice.currency)
    _totals(pdf, invoice)
    return bytes(pdf.output())


class _InvoicePDF(FPDF):
    """A4 with the issuer, the title and the number on top of every page and "page/pages" below."""

    def __init__(self, invoice, *, fallback: bool) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.invoice = invoice
        # fpdf2 embeds every font added, used or not: the fallback only when a text needs it.
        for (family, style), path in FACES.items():
            if family == FAMILY or fallback:
                self.add_font(family, style, str(path))
                # The PDF's font descriptor carries its own bounding box: recomputing the subset's
                # (every glyph's outline run through) would add a third to the time a PDF takes.
                self.fonts[f"{family}{style}"].ttfont.recalcBBoxes = False
        if fallback:
            self.set_fallback_fonts([FALLBACK])
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + 5)
        self.set_title(invoice.display_number)
        self.set_author(printable(_english(invoice.campus, "name")))
        self.set_creator("I·Campus Portal")
        # The issue date, not the moment of rendering: the same invoice renders to the same bytes.
        self.set_creation_date(dt.datetime.combine(invoice.issued_on, dt.time(), tzinfo=dt.UTC))

    def header(self) -> None:
        campus = self.invoice.campus
        top = self.get_y()
        self.set_font(FAMILY, "B", 11)
        self.multi_cell(95, 5.5, printable(_english(campus, "name")), align="L", new_x="LMARGIN", new_y="NEXT")
        if campus.name_zh_hans:
            self.set_font(FAMILY, "", 10)
            self.multi_cell(95, 5.5, printable(campus.name_zh_hans), align="L", new_x="LMARGIN", new_y="NEXT")
        left_bottom = self.get_y()
        english, chinese = LABELS["credit_note" if self.invoice.is_credit_note else "invoice"]
        self.set_xy(MARGIN + 95, top)
        self.set_font(FAMILY, "B", 18)
        self.cell(0, 9, f"{english} {chinese}", align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_x(MARGIN + 95)
        self.set_font(FAMILY, "", 11)
        self.cell(0, 6, self.invoice.display_number, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_y(max(left_bottom, self.get_y()) + 2)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.invoice.display_number)
        self.set_x(MARGIN)
        self.cell(0, 5, f"{self.page_no()}/{self.str_alias_nb_pages}", align="R")
        self.set_text_color(0)


def _parties(pdf: _InvoicePDF, invoice) -> None:
    """The campus that issues the invoice and the company it bills, side by side."""
    campus, company = invoice.campus, invoice.company
    issuer = [_english(campus, "name"), campus.name_zh_hans, _campus_address(campus)]
    customer = [company.name, company.name_zh, _country(company.country)]
    top, width = pdf.get_y(), (pdf.epw - 10) / 2
    bottoms = []
    for x, key, lines in ((MARGIN, "issuer", issuer), (MARGIN + width + 10, "customer", customer)):
        pdf.set_xy(x, top)
        _caption(pdf, key, width)
        for number, text in enumerate(line for line in lines if line):
            pdf.set_x(x)
            pdf.set_font(FAMILY, "B" if number == 0 else "", 10)
            pdf.multi_cell(width, 5, printable(text), align="L", new_x="LEFT", new_y="NEXT")
        bottoms.append(pdf.get_y())
    pdf.set_xy(MARGIN, max(bottoms) + 4)


def _english(campus, field: str) -> str:
    """The English text of a translated field of the campus, or its Chinese one without it: an
    invoice reads the same whatever the language of the page it was asked from."""
    return getattr(campus, f"{field}_en") or getattr(campus, f"{field}_zh_hans") or ""


def _campus_address(campus) -> str:
    parts = [_english(campus, field) for field in ("district", "city", "province")]
    return ", ".join(part for part in (*parts, _country(campus.country)) if part)


def _country(country) -> str:
    """``China 中国``: the name in English and in Chinese."""
    return " ".join(bilingual(lambda: country.name)) if country else ""


def _details(pdf: _InvoicePDF, invoice) -> None:
    """Number, dates, period and currency; for a credit note, the invoice it corrects and why."""
    rows = [
        ("number", invoice.display_number),
        ("issued_on", invoice.issued_on.isoformat()),
        ("due_on", invoice.due_on.isoformat()),
    ]
    if invoice.period:
        rows.append(("period", invoice.period.strftime("%Y-%m")))
    rows.append(("currency", invoice.currency))
    if invoice.is_credit_note and invoice.credits_id:
        rows.append(("corrects", invoice.credits.display_number))
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(
        col_widths=(45, pdf.epw - 45),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.NONE,
        text_align=("LEFT", "LEFT"),
        line_height=5,
        padding=(0.5, 1),
    ) as table:
        for key, value in rows:
            row = table.row()
            row.cell(_pair(key), style=FontFace(color=GREY))
            row.cell(value)
    reason = printable(invoice.reason, keep_newlines=True) if invoice.is_credit_note else ""
    if reason:
        # Beside its caption, as a row would be, but free to run onto the next page as a table row
        # cannot: the reason may be a pasted letter of many lines.
        pdf.set_text_color(*GREY)
        pdf.cell(45, 5, _pair("reason"))
        pdf.set_text_color(0)
        pdf.multi_cell(pdf.epw - 45, 5, reason, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def _lines(pdf: _InvoicePDF, lines: list, currency: str) -> None:
    """The table of lines; on a page break its headings are printed again."""
    keys = ("description", "days", "area", "rate", "net", "tax_percent", "tax", "gross")
    widths = (42, 21, 15, 25, 22, 11, 21, 23)
    pdf.set_font(FAMILY, "", 8)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD", fill_color=SHADE),
        cell_fill_mode=TableCellFillMode.NONE,
        repeat_headings=TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE,
        line_height=4,
        padding=1.2,
        v_align="TOP",
    ) as table:
        headings = table.row()
        for key in keys:
            english, chinese = LABELS[key]
            headings.cell(f"{english}\n{chinese}")
        for line in lines:
            table.row(_line_cells(line))
    pdf.ln(3)


def _line_cells(line) -> list[str]:
    period = ""
    if line.first_day and line.last_day:
        period = f"{line.first_day.isoformat()} –\n{line.last_day.isoformat()}"
        if line.days and line.days_in_month and line.days != line.days_in_month:
            period += f"\n({line.days}/{line.days_in_month})"
    return [
        _line_label(line),
        period,
        amount(line.area_m2) if line.area_m2 is not None else "",
        rate(line.rate) if line.rate is not None else "",
        amount(line.net),
        percent(line.tax_percent),
        amount(line.tax),
        amount(line.net + line.tax),
    ]


def _line_label(line) -> str:
    """The line's own description, or its kind in both languages (a subsidy with its share)."""
    label = printable(line.description) or "\n".join(bilingual(LineKind(line.kind).label))
    if line.percent is not None:
        label += f" ({percent(line.percent)})"
    return label


def _totals(pdf: _InvoicePDF, invoice) -> None:
    """Net, tax and total of the invoice with its currency, right-aligned under the lines."""
    rows = [("net", invoice.net), ("tax", invoice.tax), ("total", invoice.total)]
    if pdf.will_page_break(len(rows) * 7):
        pdf.add_page()
    pdf.set_font(FAMILY, "", 10)
    with pdf.table(
        col_widths=(50, 45),
        width=95,
        align="RIGHT",
        first_row_as_headings=False,
        text_align=("LEFT", "RIGHT"),
        borders_layout=TableBordersLayout.NONE,
        line_height=6,
        padding=(0.5, 1),
    ) as table:
        for key, value in rows:
            style = FontFace(emphasis="BOLD", size_pt=12) if key == "total" else None
            row = table.row()
            row.cell(_pair(key), style=style)
            row.cell(f"{invoice.currency} {amount(value)}", style=style)


def _caption(pdf: FPDF, key: str, width: float) -> None:
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 5, _pair(key), new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(0)


def _pair(key: str) -> str:
    english, chinese = LABELS[key]
    return f"{english} {chinese}"


def bilingual(message) -> list[str]:
    """A catalogue message (or a function giving one) in English and in Simplified Chinese; once
    if it is not translated yet."""
    texts = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            text = printable(str(message() if callable(message) else message))
        if text not in texts:
            texts.append(text)
    return texts


def amount(value: Decimal) -> str:
    """``12,345.60``: thousands separated, two decimals."""
    return f"{value:,.2f}"


def rate(value: Decimal) -> str:
    """A rate with the decimals it has, at least two and at most six: ``4.50``, ``4.123456``."""
    whole, _, decimals = f"{value:,.6f}".partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def percent(value: Decimal) -> str:
    """``6%``, ``9.5%``."""
    return f"{value.normalize():f}%"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` as the embedded font can print it: letters or digits it lacks become ``?``, other
    characters it lacks (emoji, control and direction marks) are left out, spaces are single."""
    glyphs = font_characters()
    kept = []
    for character in unicodedata.normalize("NFC", text):
        if character == "\n" and keep_newlines:
            kept.append(character)
        elif character.isspace():
            kept.append(" ")
        elif character in glyphs and unicodedata.category(character)[0] != "C":
            kept.append(character)
        elif unicodedata.category(character)[0] in "LN":
            kept.append("?")
    lines = ("".join(kept)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def _needs_fallback(invoice, lines: list) -> bool:
    """Whether a name, an address, a description or the reason has a letter only the fallback has."""
    campus, company = invoice.campus, invoice.company
    texts = [_english(campus, "name"), campus.name_zh_hans or "", _campus_address(campus)]
    texts += [company.name, company.name_zh, invoice.reason]
    texts.append(_country(company.country))
    texts += [line.description for line in lines]
    main = font_characters(families=(FAMILY,))
    return any(character not in main for text in texts for character in printable(text))


@cache
def font_characters(families: tuple[str, ...] = (FAMILY, FALLBACK)) -> frozenset[str]:
    """The characters these fonts print in either weight (read once per process)."""
    faces = {style: set() for _, style in FACES}
    for (family, style), path in FACES.items():
        if family in families:
            faces[style] |= set(TTFont(str(path), lazy=True).getBestCmap())
    return frozenset(chr(code) for code in set.intersection(*faces.values()))
