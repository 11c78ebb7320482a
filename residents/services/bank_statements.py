"""Bank statements: reading one into a ``StatementImport``, proposing whose payment each credit line
is, and recording the lines staff confirm as payments (``payment_record``, source "statement").

A line's fingerprint (``Payment.statement_key``) is the SHA-256 of its campus, date, amount,
reference, account and its occurrence among identical lines of the file, so the same statement
imported twice, or two statements that overlap, record each payment once.

What each line proposes (``statement_proposals``), worked out again whenever it is shown or applied:

- an invoice number of the campus in the reference (``ICW-2026-000123``, in any case, with or
  without spaces and dashes): "matched" when the amount is what that invoice still asks,
  "part payment" or "overpayment" otherwise, for that invoice's company either way;
- no number, but exactly one company has an open invoice of exactly that amount: "suggested";
- no number, and the payer's name is exactly one billed company's name: "suggested";
- otherwise "unmatched", for staff to choose the company.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campus.models import Campus
from common.actors import Actor, actor_user
from common.errors import DomainError
from common.uploads import clean_filename
from tenants.models import Company

from ..choices import InvoiceKind, PaymentSource
from ..models import Invoice, Payment, StatementImport
from ..statements import StatementLine, statement_read
from .payments import payment_record

DASHES = re.compile(r"[\s\u2010-\u2015_/\\.]+")

STATUS_LABELS = {
    "imported": gettext_lazy("Already imported"),
    "matched": gettext_lazy("Matched"),
    "partial": gettext_lazy("Part payment"),
    "overpaid": gettext_lazy("Overpayment"),
    "suggested": gettext_lazy("Suggested"),
    "unmatched": gettext_lazy("Unmatched"),
}
#: Proposals ticked for recording when the preview opens: an invoice number was found.
TICKED = {"matched", "partial", "overpaid"}


def line_key(campus_id: int, line: StatementLine, occurrence: int) -> str:
    """The line's fingerprint, the same whichever file it is read from again."""
    parts = [campus_id, line.date.isoformat(), str(line.amount), line.reference, line.account, occurrence]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def statement_import_create(*, campus: Campus, data: bytes, file_name: str, actor: Actor) -> StatementImport:
    """Read an uploaded statement and keep its credit lines for the preview; refuses an unreadable file."""
    statement = statement_read(data, file_name)
    seen: Counter = Counter()
    lines = []
    for line in statement.lines:
        same = (line.date, line.amount, line.reference, line.account)
        lines.append(
            {
                "row": line.row,
                "date": line.date.isoformat(),
                "amount": str(line.amount),
                "reference": line.reference,
                "payer": line.payer,
                "account": line.account,
                "key": line_key(campus.pk, line, seen[same]),
            }
        )
        seen[same] += 1
    return StatementImport.objects.create(
        campus=campus,
        file_name=clean_filename(file_name or "statement"),
        lines=lines,
        debits=statement.debits,
        problems=[list(problem) for problem in statement.problems],
        uploaded_by=actor_user(actor),
    )


# --- Proposals --------------------------------------------------------------------------------


@dataclass
class Proposal:
    """What one credit line of an import proposes."""

    index: int
    row: int
    date: str
    amount: Decimal
    reference: str
    payer: str
    account: str
    key: str
    status: str = "unmatched"
    company: Company | None = None
    invoices: list[Invoice] = field(default_factory=list)
    payment: Payment | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def open_amount(self) -> Decimal:
        return sum((invoice.open_amount for invoice in self.invoices), Decimal("0"))

    @property
    def ticked(self) -> bool:
        return self.status in TICKED


def invoice_numbers(campus: Campus, text: str) -> list[tuple[int, int]]:
    """The (year, number) of each of the campus's invoice numbers written in ``text``."""
    flat = DASHES.sub("-", unicodedata.normalize("NFKC", text).upper())
    pattern = re.compile(rf"(?<![A-Z0-9]){re.escape(campus.invoice_prefix)}-?(\d{{4}})-?(\d{{1,6}})(?!\d)")
    return list(dict.fromkeys((int(year), int(number)) for year, number in pattern.findall(flat)))


def billed_companies(campus: Campus):
    """Companies of the campus that were ever invoiced there: whom a statement line may be from."""
    return Company.objects.filter(campus=campus, invoices__campus=campus).distinct().order_by("name")


def statement_proposals(statement_import: StatementImport, companies: list[Company] | None = None) -> list[Proposal]:
    """Each credit line with its proposal, in a fixed number of queries."""
    campus = statement_import.campus
    proposals = [
        Proposal(index=index, **{**line, "amount": Decimal(line["amount"])})
        for index, line in enumerate(statement_import.lines)
    ]
    imported = {
        payment.statement_key: payment
        for payment in Payment.objects.filter(statement_key__in=[p.key for p in proposals]).select_related("company")
    }
    numbers = {proposal.index: invoice_numbers(campus, proposal.reference) for proposal in proposals}
    by_number = _invoices_numbered(campus, {pair for pairs in numbers.values() for pair in pairs})
    by_amount = _open_by_amount(campus, {proposal.amount for proposal in proposals})
    by_name = _by_name(billed_companies(campus) if companies is None else companies)
    for proposal in proposals:
        if proposal.key in imported:
            proposal.status, proposal.payment = "imported", imported[proposal.key]
            proposal.company = proposal.payment.company
            continue
        found = [by_number[pair] for pair in numbers[proposal.index] if pair in by_number]
        if found:
            _numbered(proposal, found)
        elif len(by_amount.get(proposal.amount, {})) == 1:
            ((_company, invoices),) = by_amount[proposal.amount].items()
            proposal.status, proposal.company, proposal.invoices = "suggested", invoices[0].company, invoices[:1]
        elif _name(proposal.payer) in by_name:
            proposal.status, proposal.company = "suggested", by_name[_name(proposal.payer)]
    return proposals


def _numbered(proposal: Proposal, found: list[Invoice]) -> None:
    company = found[0].company
    proposal.company, proposal.invoices = company, [invoice for invoice in found if invoice.company_id == company.pk]
    asked = proposal.open_amount
    if proposal.amount == asked:
        proposal.status = "matched"
    else:
        proposal.status = "partial" if proposal.amount < asked else "overpaid"


def _invoices_numbered(campus: Campus, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Invoice]:
    if not pairs:
        return {}
    invoices = (
        Invoice.objects.with_settlement()
        .filter(campus=campus, kind=InvoiceKind.INVOICE)
        .filter(year__in={year for year, _n in pairs}, number__in={number for _y, number in pairs})
        .select_related("company", "campus")
    )
    return {(invoice.year, invoice.number): invoice for invoice in invoices if (invoice.year, invoice.number) in pairs}


def _open_by_amount(campus: Campus, amounts: set[Decimal]) -> dict[Decimal, dict[int, list[Invoice]]]:
    """For each amount, the companies with an open invoice asking exactly that, with those invoices."""
    found: dict[Decimal, dict[int, list[Invoice]]] = defaultdict(lambda: defaultdict(list))
    invoices = (
        Invoice.objects.with_settlement()
        .filter(campus=campus, kind=InvoiceKind.INVOICE, open_amount__in=amounts or [Decimal("-1")])
        .select_related("company", "campus")
        .order_by("due_on", "year", "number")
    )
    for invoice in invoices:
        found[invoice.open_amount][invoice.company_id].append(invoice)
    return found


def _name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _by_name(companies) -> dict[str, Company]:
    names: dict[str, list[Company]] = defaultdict(list)
    for company in companies:
        for name in {_name(company.name), _name(company.name_zh)} - {""}:
            names[name].append(company)
    return {name: found[0] for name, found in names.items() if len(found) == 1}


# --- Applying ---------------------------------------------------------------------------------


@dataclass
class Applied:
    recorded: list[Payment] = field(default_factory=list)
    already: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (row, why)


def statement_lines_apply(
    *, statement_import: StatementImport, chosen: dict[int, Company | None], actor: Actor
) -> Applied:
    """Record a payment for each line staff confirmed (``chosen``: line index → company), each in
    its own transaction; a line recorded already is counted and left as it is."""
    outcome = Applied()
    proposals = {proposal.index: proposal for proposal in statement_proposals(statement_import)}
    for index, company in sorted(chosen.items(), key=lambda item: item[0]):
        proposal = proposals.get(index)
        if proposal is None:
            continue
        if proposal.status == "imported":
            outcome.already += 1
            continue
        try:
            outcome.recorded.append(_record(statement_import, proposal, company, actor))
        except DomainError as error:
            if error.field == "statement_key":
                outcome.already += 1
            else:
                outcome.refused.append((proposal.row, error.message))
    return outcome


def _record(statement_import: StatementImport, proposal: Proposal, company: Company | None, actor: Actor) -> Payment:
    if company is None:
        raise DomainError(_("Choose the company that paid."), field="company")
    if company.campus_id != statement_import.campus_id:
        raise DomainError(_("The company is not on this statement's campus."), field="company")
    mine = company == proposal.company and proposal.invoices
    return payment_record(
        company=company,
        amount=proposal.amount,
        received_on=dt.date.fromisoformat(proposal.date),
        reference=proposal.reference,
        actor=actor,
        invoices=list(proposal.invoices) if mine else None,
        source=PaymentSource.STATEMENT,
        statement_key=proposal.key,
        note=_payer_note(proposal),
    )


def _payer_note(proposal: Proposal) -> str:
    parts = [proposal.payer, proposal.account]
    return " · ".join(part for part in parts if part)
