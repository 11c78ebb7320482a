"""Reading bank statements: a CSV or XLSX export of a bank account, as banks write them.

``statement_read`` finds the header row (English or Chinese column names, below any lines of
account details), then reads each row's date, amount, reference, payer and account. It copes with
what Chinese banks export: a byte-order mark, GBK-encoded CSV, amounts such as "1,234.50" or
"¥1,234.50", separate credit and debit columns or a credit/debit marker, dates as Excel serial
numbers, values wrapped as ``="..."`` to keep Excel from reformatting them.

A file is only read, never trusted: its size, rows and columns are bounded, an XLSX archive is
checked before it is opened, and a formula cell is kept as the text of its formula (nothing is
ever evaluated). Nothing here touches the database; ``residents.services.payments`` matches the
lines to invoices and records them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .exceptions import StatementUnreadable

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
#: Rows looked through for the header (banks put the account's details above it).
HEADER_ROWS = 30
MAX_TEXT = 500
# An XLSX file is a zip archive: refused when it unpacks to absurd sizes (a zip bomb).
XLSX_MAX_MEMBERS = 200
XLSX_MAX_UNPACKED = 60 * 1024 * 1024
XLSX_MAX_RATIO = 200

# Column names, compared without case, spaces, punctuation or a unit in brackets.
COLUMNS = {
    "date": {
        "date", "transactiondate", "valuedate", "bookingdate", "postingdate", "txndate", "tradedate",
        "交易日期", "日期", "记账日期", "入账日期", "交易时间", "记账时间", "入账时间", "交易日",
    },
    "amount": {"amount", "transactionamount", "交易金额", "金额", "发生额", "交易额"},
    "credit": {
        "credit", "creditamount", "credits", "deposit", "deposits", "moneyin", "paidin", "in",
        "贷方", "贷方金额", "贷方发生额", "收入", "收入金额", "存入", "存入金额", "收款金额", "来账金额",
    },
    "debit": {
        "debit", "debitamount", "debits", "withdrawal", "withdrawals", "moneyout", "paidout", "out",
        "借方", "借方金额", "借方发生额", "支出", "支出金额", "支取", "支取金额", "付款金额", "往账金额",
    },
    "direction": {
        "drcr", "crdr", "debitcredit", "creditdebit", "direction", "借贷标志", "借贷方向", "借贷", "收支", "收支方向",
    },
    "reference": {
        "reference", "ref", "memo", "description", "details", "narrative", "remark", "remarks", "purpose",
        "paymentreference", "transactiondetails", "摘要", "附言", "用途", "备注", "交易附言", "交易摘要", "交易用途",
    },
    "payer": {
        "payer", "payername", "counterparty", "counterpartyname", "name", "remitter", "remittername",
        "对方户名", "对方名称", "对方账户名称", "对方账户名", "付款人", "付款人名称", "付款方", "付款方名称",
        "对方单位",
    },
    "account": {
        "account", "accountnumber", "accountno", "payeraccount", "counterpartyaccount", "remitteraccount",
        "对方账号", "对方账户", "付款人账号", "付款方账号", "对方账户号", "账号",
    },
}  # fmt: skip
CREDIT_MARKS = {"c", "cr", "credit", "贷", "贷方", "收", "收入", "来账"}
DEBIT_MARKS = {"d", "dr", "debit", "借", "借方", "支", "支出", "往账"}
CURRENCY_MARKS = re.compile(r"(?i)(cny|rmb|usd|eur|hkd|[¥￥$€元])")
YEAR_FIRST = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ tT].*)?$")
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s.*)?$")
DAY_FIRST_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class StatementLine:
    """A credit line: money received on ``date`` (a positive amount)."""

    row: int
    date: dt.date
    amount: Decimal
    reference: str
    payer: str
    account: str


@dataclass
class Statement:
    lines: list[StatementLine] = field(default_factory=list)
    debits: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row, what could not be read)


def statement_read(data: bytes, name: str = "") -> Statement:
    """The credit lines of a CSV or XLSX bank statement; refuses a file it cannot read, saying why."""
    if len(data) > MAX_BYTES:
        raise StatementUnreadable(
            _("The file is %(size)s; a statement may be at most %(limit)s. Export a shorter period.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)}
        )
    if not data.strip():
        raise StatementUnreadable(_("The file is empty."))
    rows = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    return _read_rows(rows)


# --- Files to rows -------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[list]:
    if b"\x00" in data:
        raise StatementUnreadable(_("This is not a CSV or Excel (.xlsx) file."))
    text = _decoded(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        yield from reader
    except csv.Error as exc:
        raise StatementUnreadable(
            _("The CSV file is malformed near line %(line)s.") % {"line": reader.line_num}
        ) from exc


def _decoded(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030, which reads GBK and GB2312."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in text):
            return text
    raise StatementUnreadable(
        _("This is not a CSV or Excel (.xlsx) file, or its text is in an encoding other than UTF-8 or GBK.")
    )


def _xlsx_rows(data: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    _check_archive(data)
    try:
        # Formulas are read as their text (data_only=False) and never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign archive
        raise StatementUnreadable(_("This Excel file is damaged, or not an .xlsx workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield list(row)
    except StatementUnreadable:
        raise
    except Exception as exc:
        raise StatementUnreadable(_("This Excel file is damaged, or not an .xlsx workbook.")) from exc
    finally:
        workbook.close()


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise StatementUnreadable(_("This Excel file is damaged, or not an .xlsx workbook.")) from exc
    if "xl/workbook.xml" not in names:
        raise StatementUnreadable(_("This is not a CSV or Excel (.xlsx) file."))
    unpacked = sum(member.file_size for member in members)
    absurd = any(
        member.file_size > 1024 * 1024 and member.file_size > XLSX_MAX_RATIO * member.compress_size
        for member in members
    )
    if len(members) > XLSX_MAX_MEMBERS or unpacked > XLSX_MAX_UNPACKED or absurd:
        raise StatementUnreadable(_("This Excel file unpacks to far more than a bank statement holds."))


# --- Rows to lines -------------------------------------------------------------------------


def _read_rows(rows: Iterable[list]) -> Statement:
    columns, statement, data_rows = None, Statement(), 0
    for number, raw in enumerate(rows, start=1):
        # Bounded before anything is done to a cell: a row may hold millions of empty columns.
        cells = [
            value if isinstance(value, dt.date | int | float | Decimal) else _text(value) for value in raw[:MAX_COLUMNS]
        ]
        if columns is None:
            columns = _header(cells)
            if columns is None and number >= HEADER_ROWS:
                break
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise StatementUnreadable(
                _("The statement has more than %(count)s rows; export a shorter period.") % {"count": MAX_ROWS}
            )
        if any(cell not in ("", None) for cell in cells):
            _read_row(statement, number, cells, columns)
    if columns is None:
        raise StatementUnreadable(
            _("No header row with a date and an amount (or credit) column was found in the first %(count)s rows.")
            % {"count": HEADER_ROWS}
        )
    return statement


def _key(name) -> str:
    """A column name as compared: lower case, without a unit in brackets, spaces or punctuation."""
    text = unicodedata.normalize("NFKC", str(name or "")).lower()
    text = re.sub(r"[(\[].*?[)\]]", "", text)
    return "".join(ch for ch in text if ch.isalnum())


def _header(cells: list) -> dict[str, list[int]] | None:
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        key = _key(cell) if isinstance(cell, str) else ""
        for column, names in COLUMNS.items():
            if key in names:
                found.setdefault(column, []).append(index)
                break
    if "date" in found and ("amount" in found or "credit" in found):
        return found
    return None


def _read_row(statement: Statement, number: int, cells: list, columns: dict[str, list[int]]) -> None:
    def cell(column: str, position: int = 0):
        indexes = columns.get(column, [])
        return cells[indexes[position]] if position < len(indexes) and indexes[position] < len(cells) else ""

    raw_date = cell("date")
    if isinstance(raw_date, str) and not any(ch.isdigit() for ch in raw_date):
        return  # totals ("合计", "Total"), balances and notes: no date at all
    try:
        date = _date(raw_date)
        amount = _signed_amount(cell, columns)
    except ValueError as problem:
        statement.problems.append((number, str(problem)))
        return
    if amount is None or amount == 0:
        return
    if amount < 0:
        statement.debits += 1
        return
    references = [_text(cells[i]) for i in columns.get("reference", []) if i < len(cells)]
    statement.lines.append(
        StatementLine(
            row=number,
            date=date,
            amount=amount,
            reference=" · ".join(dict.fromkeys(ref for ref in references if ref))[:MAX_TEXT],
            payer=_text(cell("payer"))[:MAX_TEXT],
            account=_text(cell("account"))[:100],
        )
    )


def _signed_amount(cell, columns) -> Decimal | None:
    """Positive for money in, negative for money out, None for a row that moves nothing."""
    if "credit" in columns:
        credit = _amount(cell("credit"))
        if credit:
            return abs(credit)
        debit = _amount(cell("debit")) if "debit" in columns else None
        return -abs(debit) if debit else None
    amount = _amount(cell("amount"))
    if amount is None or "direction" not in columns:
        return amount
    mark = _key(cell("direction"))
    if mark in CREDIT_MARKS:
        return abs(amount)
    if mark in DEBIT_MARKS:
        return -abs(amount)
    raise ValueError(_("the credit/debit marker “%(mark)s” is not one this reader knows") % {"mark": mark[:20]})


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value).replace("\x00", "").strip()
    if text.startswith('="') and text.endswith('"'):  # Excel's way of keeping "000123" as written
        text = text[2:-1]
    return " ".join(text.split())[:MAX_TEXT]


def _amount(value) -> Decimal | None:
    if value in ("", None):
        return None
    if isinstance(value, bool | dt.date):
        raise ValueError(_("the amount is not a number"))
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = unicodedata.normalize("NFKC", value)
        text = CURRENCY_MARKS.sub("", text).replace(",", "").replace(" ", "").replace("'", "")
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        if text.endswith("-"):  # "1234.50-", as some banks mark money out
            negative, text = True, text[:-1]
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("the amount “%(value)s” is not a number") % {"value": value[:40]}) from None
        number = -number if negative else number
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValueError(_("the amount is not a sensible number"))
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("the amount %(value)s has more than two decimals") % {"value": number})
    return number.quantize(Decimal("0.01"))


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial day number (1954 to 2119)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern, order in ((YEAR_FIRST, "ymd"), (COMPACT, "ymd"), (DAY_FIRST_DOTTED, "dmy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(group) for group in match.groups()), strict=True))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise ValueError(_("the date “%(value)s” is not a date (write it as 2026-03-05)") % {"value": text[:40]})
