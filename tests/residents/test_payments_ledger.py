"""The ledger adds up, whatever happens to a company: any sequence of invoices, credit notes and
payments (short, exact, over; for named invoices, shares of them, or the oldest open) leaves

- its balance equal to its invoices plus its credit notes less its payments,
- no invoice asking less than nothing,
- no payment spread over more than it brought,
- what it owes equal to what its invoices still ask less the credit it carries,
- no credit carried while an invoice is open (issuing and credit notes spend it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from residents.choices import InvoiceKind
from residents.models import Invoice, Payment, PaymentAllocation
from residents.services.invoices import credit_note_issue, creditable
from residents.services.ledger import company_balance
from residents.services.payments import payment_record
from tests.residents.leases_setup import leased
from tests.residents.payments_setup import billed, issue
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

ZERO, FEN = Decimal("0"), Decimal("0.01")

invoice_step = st.just(("invoice",))
credit_step = st.tuples(st.just("credit"), st.integers(0, 11), st.integers(1, 120))  # which invoice, how much
pay_step = st.tuples(
    st.just("pay"),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("40000"), places=2),
    st.sampled_from(["oldest", "named", "share"]),
    st.integers(0, 11),
)
steps = st.lists(st.one_of(invoice_step, credit_step, pay_step), min_size=1, max_size=7)


def invoices_of(company) -> list[Invoice]:
    return list(Invoice.objects.with_settlement().filter(company=company).order_by("pk"))


def _take(step, company, lease, staff_user, month: int) -> int:
    kind = step[0]
    issued = [invoice for invoice in invoices_of(company) if invoice.kind == InvoiceKind.INVOICE]
    if kind == "invoice" and month <= 12:
        issue(lease, month)  # spends carried credit itself
        return month + 1
    if kind == "credit" and issued:
        invoice = issued[step[1] % len(issued)]
        amount = min(Decimal(step[2]) * Decimal("1.09"), creditable(invoice))
        if amount > 0:
            credit_note_issue(
                invoice=invoice,
                reason="Correction",
                actor=staff_user,
                amount=Decimal(amount),
                tax_percent=Decimal("9"),
                today=dt.date(2026, 12, 28),
            )
    if kind == "pay":
        _, amount, how, which = step
        owing = [invoice for invoice in issued if invoice.open_amount > 0]
        target = owing[which % len(owing)] if owing else None
        invoices = None
        if how == "named" and target:
            invoices = [target]
        elif how == "share" and target:
            invoices = [(target, min(target.open_amount, amount))]
        payment_record(
            company=company,
            amount=amount,
            received_on=dt.date(2026, 6, 1),
            reference="",
            actor=staff_user,
            invoices=invoices,
        )
    return month


def _assert_adds_up(company) -> None:
    invoices = invoices_of(company)
    payments = list(Payment.objects.filter(company=company).annotate(allocated=Sum("allocations__amount")))
    for payment in payments:  # SQLite sums in floating point
        payment.allocated = (payment.allocated or ZERO).quantize(FEN)
    paid = sum((payment.amount for payment in payments), ZERO)
    carried = sum((payment.amount - payment.allocated for payment in payments), ZERO)
    owing = sum((invoice.open_amount for invoice in invoices), ZERO)

    owed = company_balance(company).owed
    assert owed == sum((invoice.total for invoice in invoices), ZERO) - paid
    assert all(invoice.open_amount >= 0 for invoice in invoices)
    assert all(payment.allocated <= payment.amount for payment in payments)
    assert not PaymentAllocation.objects.filter(payment__company=company, amount__lte=0).exists()
    assert owed == owing - carried
    assert carried == 0 or owing == 0, "credit is carried while an invoice is open"


@pytest.fixture
def ledger_campus(campus):
    return billed(campus)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(area=st.sampled_from(["10", "33.3", "100"]), steps=steps)
def test_any_sequence_of_invoices_credit_notes_and_payments_adds_up(ledger_campus, staff_user, area, steps):
    company = CompanyFactory(campus=ledger_campus)  # a company of its own for each example
    lease = leased(company, area=area)
    month = 1
    for step in steps:
        month = _take(step, company, lease, staff_user, month)
        _assert_adds_up(company)
