"""How long an invoice PDF takes: ``.venv/bin/python bench/invoice_pdf.py`` (see bench/README.md).

Migrates a throwaway SQLite database (about 20 s), writes a campus, a company and four documents
(a month's invoice of three lines, a long one of 24 lines (two pages), a credit note, and an invoice to a
company with a hostile name), then renders the month's invoice ``--count`` times the way a job
would: read it with its campus, company and lines, render, keep the bytes. Prints the time per
PDF and the size of each document; ``--write DIR`` also saves the four PDFs to look at.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A company name as someone hostile or careless types it: letters only the fallback font has,
# markup, direction marks, emoji, full-width letters, a control character, 300 characters.
HOSTILE = (
    "Łódź Dvořák <script>alert(1)</script> \u202eevil\u202c 🚀🧬 Ａｃｍｅ\u200b\x07 " + "Very Long Name Ltd. " * 15
)


def setup_django(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def documents() -> dict[str, object]:
    """The four documents, written to the database."""
    from campus.models import Campus
    from tenants.models import Company

    campus = Campus.objects.create(
        slug="icw",
        name="I·Campus Wuxi",
        name_zh_hans="无锡生命科学创新园",
        city="Wuxi",
        district="Xinwu District",
        province="Jiangsu",
        country="CN",
        rd_area_m2=50000,
        invoice_prefix="ICW",
    )
    company = Company.objects.create(campus=campus, name="Helix Therapeutics", name_zh="海力克斯生物医药", country="CN")
    strange = Company.objects.create(campus=campus, name=HOSTILE, name_zh="𠮷野家\u200f生物", country="CN")
    month = invoice(campus, company, 1, lines=3)
    return {
        "invoice": month,
        "long": invoice(campus, company, 2, lines=24),
        "credit_note": credit_note(month, 3),
        "hostile": invoice(campus, strange, 4, lines=2),
    }


def invoice(campus, company, number: int, *, lines: int):
    from residents.models import Invoice, InvoiceLine
    from residents.rent import LineKind

    kinds = [LineKind.RENT, LineKind.SUBSIDY, LineKind.SERVICE_CHARGE]
    rows = []
    for position in range(1, lines + 1):
        kind = kinds[(position - 1) % 3]
        rate = Decimal("100") if kind != LineKind.SERVICE_CHARGE else Decimal("20")
        net = Decimal("1234.5") * position * (Decimal("-0.5") if kind == LineKind.SUBSIDY else 1)
        rows.append(
            InvoiceLine(
                position=position,
                kind=kind,
                first_day=dt.date(2026, 3, 1),
                last_day=dt.date(2026, 3, 31),
                days=31,
                days_in_month=31,
                area_m2=Decimal("245.50"),
                rate=rate,
                percent=Decimal("50") if kind == LineKind.SUBSIDY else None,
                net=net,
                tax_percent=Decimal("9"),
                tax=(net * Decimal("0.09")).quantize(Decimal("0.01")),
            )
        )
    net, tax = sum(r.net for r in rows), sum(r.tax for r in rows)
    document = Invoice.objects.create(
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
    )
    for row in rows:
        row.invoice = document
    InvoiceLine.objects.bulk_create(rows)
    return document


def credit_note(corrected, number: int):
    from residents.models import Invoice, InvoiceLine
    from residents.rent import LineKind

    document = Invoice.objects.create(
        campus=corrected.campus,
        company=corrected.company,
        kind="credit_note",
        credits=corrected,
        prefix=corrected.prefix,
        year=2026,
        number=number,
        issued_on=dt.date(2026, 3, 20),
        due_on=dt.date(2026, 3, 20),
        net=Decimal("-1000.00"),
        tax=Decimal("-90.00"),
        total=Decimal("-1090.00"),
        reason="The area was 10 m² smaller than invoiced. 实际面积比开票面积少 10 平方米。",
    )
    InvoiceLine.objects.create(
        invoice=document,
        position=1,
        kind=LineKind.CORRECTION,
        description="Rent: area corrected to 235.50 m² 租金：面积更正为 235.50 平方米",
        net=Decimal("-1000.00"),
        tax_percent=Decimal("9"),
        tax=Decimal("-90.00"),
    )
    return document


def render(pk: int) -> bytes:
    from residents.invoice_pdf import invoice_pdf_render
    from residents.models import Invoice

    document = (
        Invoice.objects.select_related("campus", "company", "credits__campus").prefetch_related("lines").get(pk=pk)
    )
    return invoice_pdf_render(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="renders of the month's invoice to time (200)")
    parser.add_argument("--write", type=Path, help="a folder to save the four PDFs in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        docs = documents()
        for name, document in docs.items():
            started = time.perf_counter()
            pdf = render(document.pk)
            print(f"{name:12} {len(pdf) / 1000:6.1f} kB  first render {1000 * (time.perf_counter() - started):.0f} ms")
            if args.write:
                args.write.mkdir(parents=True, exist_ok=True)
                (args.write / f"{name}.pdf").write_bytes(pdf)
        wall, cpu = [], []
        for _ in range(args.count):
            started, started_cpu = time.perf_counter(), time.process_time()
            render(docs["invoice"].pk)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        wall.sort()
        print(
            f"month's invoice, {args.count} renders: median {1000 * statistics.median(wall):.0f} ms "
            f"(CPU {1000 * statistics.median(cpu):.0f} ms), p95 {1000 * wall[int(len(wall) * 0.95) - 1]:.0f} ms, "
            f"{1 / statistics.mean(wall):.1f} PDFs a second on one process"
        )


if __name__ == "__main__":
    main()
