"""Rows leaving the portal as spreadsheets (CSV, Excel), safe to open.

A cell of text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
run as a formula by a spreadsheet program (a company named ``=cmd|' /C calc'!A0``): in a CSV file
it is written with a leading ``'``, which the program shows as text (OWASP's advice); in an Excel
file it is stored as a text cell, never as a formula. Numbers and dates stay numbers and dates,
negative amounts included.

CSV is streamed as the rows come; Excel is written row by row (openpyxl's write-only mode) to a
temporary file, so neither holds the rows in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import islice

import openpyxl
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows written to the stream at a time.
CHUNK_ROWS = 500

NUMBERS = (int, float, Decimal)
#: What a spreadsheet holds is the portal's private data, as a document download is: never cached.
PRIVATE = "private, no-store"


def formula_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula, written with a leading ``'`` so it reads as text."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def formula_unescaped(text: str) -> str:
    """What :func:`formula_safe` wrote, read back: the leading ``'`` before a formula sign dropped."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_cell(value) -> str:
    """The text of a CSV cell: numbers and dates as they are, formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return formula_safe(str(value))


class _Echo:
    """A file whose ``write`` hands the text back, so ``csv.writer`` can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _csv_chunks(columns: Sequence, rows: Iterable[Sequence]):
    writer = csv.writer(_Echo())
    # The byte order mark lets spreadsheet programs read the file as UTF-8 (Chinese names).
    yield "\ufeff" + writer.writerow([csv_cell(column) for column in columns])
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield "".join(writer.writerow([csv_cell(cell) for cell in row]) for row in chunk)


def csv_download(filename: str, columns: Sequence, rows: Iterable[Sequence], *, stream: bool = True) -> HttpResponse:
    """A CSV attachment of ``columns`` then ``rows``; streamed unless ``stream`` is False (small tables)."""
    chunks = _csv_chunks(columns, rows)
    if stream:
        return _attachment(StreamingHttpResponse(chunks, content_type=CSV_TYPE), filename)
    return csv_attachment(filename, "".join(chunks).encode())


def csv_attachment(filename: str, content: bytes) -> HttpResponse:
    """A CSV attachment of ``content`` already written (for instance kept in the cache)."""
    return _attachment(HttpResponse(content, content_type=CSV_TYPE), filename)


CSV_TYPE = "text/csv; charset=utf-8"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = PRIVATE
    return response


def _xlsx_cell(sheet, value):
    """The value as openpyxl writes it: a date as a date (yyyy-mm-dd), text as text."""
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the campus's local time, as the pages show it.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, (*NUMBERS, dt.date)):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not text.startswith("="):
        return text  # openpyxl stores any other text as text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # text, never a formula
    return cell


def xlsx_download(filename: str, title: str, columns: Sequence, rows: Iterable[Sequence]) -> FileResponse:
    """An Excel attachment: one sheet called ``title`` with ``columns`` then ``rows``."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([_xlsx_cell(sheet, str(column)) for column in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    workbook.save(file)
    file.seek(0)
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = PRIVATE
    return response
