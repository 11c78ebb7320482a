"""Payments: finance staff record what a company paid at /staff/finance/payments/; it settles the
named invoices or the oldest open ones, and what is left is credit carried to the next invoice.
Never more than an invoice asks, not even when two people record at the same moment."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from residents.choices import PaymentSource
from residents.exceptions import BillingRefused
from residents.models import Invoice, Payment, PaymentAllocation
from residents.services.invoices import credit_note_issue
from residents.services.ledger import company_balance
from residents.services.payments import payment_record
from tests.concurrency import at_once
from tests.personas import staff_in_role
from tests.residents.payments_setup import MONTH, billed, issue, leased_and_billed
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

D = dt.date
PAID_ON = D(2026, 2, 2)


@pytest.fixture
def jan(campus, resident_company):
    billed(campus)
    _lease, (invoice,) = leased_and_billed(resident_company, 1)
    return invoice


def open_amount(invoice) -> Decimal:
    return Invoice.objects.with_settlement().get(pk=invoice.pk).open_amount


def record(client, **fields):
    data = {"amount": "", "received_on": PAID_ON.isoformat(), "reference": "", "invoices": "", "note": ""} | fields
    return client.post("/staff/finance/payments/new/", data)


def page(client, url="/staff/finance/payments/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Recording ---------------------------------------------------------------------------------


def test_a_part_payment_settles_part_of_the_invoice_and_records_who(jan, resident_company, finance):
    response = record(
        finance.client,
        company=resident_company.pk,
        amount="5,000.00",
        reference="ICW-2026-000001",
        invoices="ICW-2026-000001",
    )

    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.source, payment.recorded_by, payment.campus) == (
        Decimal("5000.00"),
        PaymentSource.MANUAL,
        finance.user,
        resident_company.campus,
    )
    assert open_amount(jan) == MONTH - 5000
    assert company_balance(resident_company).owed == MONTH - 5000
    listed = page(finance.client, response["Location"])
    assert "Helix Therapeutics" in listed and "ICW-2026-000001: 5,000.00" in listed


def test_an_overpayment_is_carried_as_credit_and_settles_the_next_invoice(jan, resident_company, finance):
    record(finance.client, company=resident_company.pk, amount="15000", invoices="ICW-2026-000001")

    assert open_amount(jan) == 0
    assert company_balance(resident_company).owed == MONTH - 15000  # -1,980: credit carried
    assert "1,980.00" in page(finance.client)

    feb = issue(jan.lease, 2)  # issuing spends the carried credit

    assert open_amount(feb) == MONTH - 1980
    assert PaymentAllocation.objects.get(invoice=feb).amount == Decimal("1980.00")
    assert company_balance(resident_company).owed == MONTH - 1980


def test_without_invoices_named_the_oldest_due_is_settled_first(campus, resident_company, finance):
    billed(campus)
    _lease, (jan, feb, mar) = leased_and_billed(resident_company, 1, 2, 3)

    record(finance.client, company=resident_company.pk, amount=str(MONTH + 1000))

    assert [open_amount(invoice) for invoice in (jan, feb, mar)] == [0, MONTH - 1000, MONTH]


def test_named_invoices_are_settled_first_and_the_rest_goes_to_the_oldest(campus, resident_company, staff_user):
    billed(campus)
    _lease, (jan, feb) = leased_and_billed(resident_company, 1, 2)

    payment_record(
        company=resident_company,
        amount=Decimal("14000"),
        received_on=PAID_ON,
        reference="",
        actor=staff_user,
        invoices=[(feb, Decimal("3000"))],
    )

    assert open_amount(feb) == MONTH - 3000
    assert open_amount(jan) == MONTH - 11000
    assert sum(PaymentAllocation.objects.values_list("amount", flat=True)) == Decimal("14000")


def test_a_credit_note_on_a_paid_invoice_gives_the_difference_back_as_credit(jan, resident_company, staff_user):
    payment_record(company=resident_company, amount=MONTH, received_on=PAID_ON, reference="", actor=staff_user)
    credit_note_issue(
        invoice=jan,
        reason="Wrong area",
        actor=staff_user,
        amount=Decimal("109"),
        tax_percent=Decimal("9"),
        today=D(2026, 1, 9),
    )
    feb = issue(jan.lease, 2)  # the credit note gave the excess back as credit; issuing spends it

    assert open_amount(jan) == 0
    assert open_amount(feb) == MONTH - 109
    assert company_balance(resident_company).owed == MONTH - 109


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "0"}, "amount", "above zero"),
        ({"amount": "-5"}, "amount", "above zero"),
        ({"amount": "abc"}, "amount", "number"),
        ({"received_on": "2099-01-01"}, "received_on", "today or before"),
        ({"invoices": "ICW-2026-000002"}, "invoices", "another company"),
        ({"invoices": "ICW-2026-000003"}, "invoices", "credit note"),
        ({"invoices": "ICW-2026-999999"}, "invoices", "no invoice numbered"),
    ],
)
def test_a_refused_payment_names_the_field_and_keeps_what_was_typed(
    jan, resident_company, other_company, staff_user, finance, fields, field, message
):
    leased_and_billed(other_company, 1)  # ICW-2026-000002
    credit_note_issue(
        invoice=jan,
        reason="Goodwill",
        actor=staff_user,
        amount=Decimal("10"),
        tax_percent=Decimal("9"),
        today=D(2026, 1, 9),
    )

    typed = {"company": resident_company.pk, "amount": "100", "reference": "Transfer 88412"} | fields
    response = record(finance.client, **typed)

    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field]).lower().replace("’", "'")
    assert 'value="Transfer 88412"' in response.content.decode()
    assert not Payment.objects.exists()


def test_an_invoice_number_another_campus_also_uses_settles_the_paying_companys_invoice(
    jan, campus, resident_company, finance
):
    """Each campus numbers its own invoices, so two may print the same number (every campus starts
    with the prefix INV): the number typed settles the invoice of the company that paid."""
    from tests.campus.factories import CampusFactory

    elsewhere = CompanyFactory(campus=billed(CampusFactory()), name="Elsewhere Bio")
    _lease, (theirs,) = leased_and_billed(elsewhere, 1)
    assert theirs.display_number == jan.display_number == "ICW-2026-000001"

    for company, invoice in ((resident_company, jan), (elsewhere, theirs)):
        form = sent_form(finance.client) | {"company": company.pk, "amount": "100", "invoices": "ICW-2026-000001"}
        response = record(finance.client, **form)

        assert response.status_code == 302, response.content.decode()[:2000]
        assert Payment.objects.latest("pk").allocations.get().invoice == invoice


def test_allocating_more_than_an_invoice_asks_or_than_the_payment_is_refused(jan, resident_company, staff_user):
    for amount, share in [(Decimal("20000"), Decimal("13020.01")), (Decimal("100"), Decimal("200"))]:
        with pytest.raises(BillingRefused) as refused:
            payment_record(
                company=resident_company,
                amount=amount,
                received_on=PAID_ON,
                reference="",
                actor=staff_user,
                invoices=[(jan, share)],
            )
        assert refused.value.field == "invoices"
    assert not Payment.objects.exists()


def test_a_statement_line_is_recorded_once(jan, resident_company, staff_user):
    def pay():
        return payment_record(
            company=resident_company,
            amount=Decimal("100"),
            received_on=PAID_ON,
            reference="x",
            actor=staff_user,
            source=PaymentSource.STATEMENT,
            statement_key="a" * 64,
        )

    pay()
    with pytest.raises(BillingRefused) as refused:
        pay()
    assert "already imported" in refused.value.message
    assert Payment.objects.count() == 1


# --- The list ----------------------------------------------------------------------------------


def test_the_list_filters_by_company_source_and_days(campus, resident_company, other_company, staff_user, finance):
    billed(campus)
    leased_and_billed(resident_company, 1)
    leased_and_billed(other_company, 1)
    for company, day, source, key in [
        (resident_company, D(2026, 2, 1), PaymentSource.MANUAL, None),
        (resident_company, D(2026, 3, 1), PaymentSource.STATEMENT, "k1"),
        (other_company, D(2026, 2, 15), PaymentSource.MANUAL, None),
    ]:
        payment_record(
            company=company,
            amount=Decimal("10"),
            received_on=day,
            reference=f"ref {company.name} {day}",
            actor=staff_user,
            source=source,
            statement_key=key,
        )

    def shown(query: str) -> set[str]:
        return {p.reference for p in finance.client.get(f"/staff/finance/payments/?{query}").context["page"]}

    assert len(shown("")) == 3
    assert shown(f"company={other_company.pk}") == {"ref Nordic Biologics 2026-02-15"}
    assert shown("source=statement") == {"ref Helix Therapeutics 2026-03-01"}
    assert shown("received_from=2026-02-10&received_to=2026-02-28") == {"ref Nordic Biologics 2026-02-15"}


def test_the_list_reads_in_a_constant_number_of_queries(
    campus, resident_company, staff_user, finance, django_assert_max_num_queries
):
    billed(campus)
    leased_and_billed(resident_company, 1, 2, 3)

    def pay(amount):
        payment_record(company=resident_company, amount=amount, received_on=PAID_ON, reference="", actor=staff_user)

    pay(Decimal("10"))
    reset_queries()  # the log is read lazily and emptied by each request: count at once
    with CaptureQueriesContext(connection) as one:
        page(finance.client)
    queries = len(one)
    for _ in range(8):
        pay(Decimal("5000"))  # settling several invoices each, and carrying credit

    assert queries > 5
    with django_assert_max_num_queries(queries):
        page(finance.client)  # amounts, what each settled and the credit it carries
    assert len(finance.client.get("/staff/finance/payments/").context["page"]) == 9


# --- Who may ------------------------------------------------------------------------------------

URLS = ["/staff/finance/payments/", "/staff/finance/payments/new/", "/staff/finance/import/"]


@pytest.mark.parametrize(
    ("role", "reads", "records"),
    [
        ("finance", 200, 200),
        ("campus_manager", 200, 200),
        ("auditor", 200, 403),
        ("front_desk", 403, 403),
        ("service_desk", 403, 403),
        ("screening_officer", 403, 403),
    ],
)
def test_staff_roles_on_the_finance_pages(role, reads, records, jan, resident_company):
    client = Client()
    client.force_login(staff_in_role(role, f"{role}-person"))

    assert client.get("/staff/finance/payments/").status_code == reads
    for url in URLS[1:]:
        assert client.get(url).status_code == records, url
    posted = client.post("/staff/finance/payments/new/", {"company": resident_company.pk, "amount": "10"})
    assert posted.status_code in ({200, 400} if records == 200 else {403})
    assert not Payment.objects.exists()


@pytest.mark.parametrize("who", ["resident_admin", "resident_finance", "anonymous"])
def test_residents_and_strangers_are_sent_to_the_staff_sign_in(who, request, jan, resident_company):
    client = Client() if who == "anonymous" else request.getfixturevalue(who).client

    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    client.post(
        "/staff/finance/payments/new/", {"company": resident_company.pk, "amount": "10", "received_on": "2026-02-02"}
    )
    assert not Payment.objects.exists()


def test_the_staff_navigation_links_finance_for_roles_that_read_payments(finance, desk):
    assert 'href="/staff/finance/payments/"' in page(finance.client, "/staff/")
    assert 'href="/staff/finance/payments/"' not in page(desk.client, "/staff/")


# --- The admin ---------------------------------------------------------------------------------


def test_the_admin_records_a_payment_through_the_service_and_never_edits_one(jan, resident_company, finance):
    response = finance.client.post(
        "/admin/residents/payment/add/",
        {
            "company": resident_company.pk,
            "amount": "20000",
            "received_on": "2026-02-02",
            "reference": "Wire",
            "invoices": "icw-2026-000001",
            "note": "",
            "allocations-TOTAL_FORMS": "0",
            "allocations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    payment = Payment.objects.get()
    assert payment.recorded_by == finance.user and open_amount(jan) == 0
    shown = page(finance.client, f"/admin/residents/payment/{payment.pk}/change/")
    assert "ICW-2026-000001" in shown and 'name="amount"' not in shown
    assert finance.client.post(f"/admin/residents/payment/{payment.pk}/change/", {"amount": "1"}).status_code == 403
    assert finance.client.post(f"/admin/residents/payment/{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    listed = page(finance.client, f"/admin/residents/payment/?q=Wire&campus__id__exact={resident_company.campus_id}")
    assert "Helix Therapeutics" in listed


def test_the_admin_refuses_another_companys_invoice_on_the_form(jan, resident_company, other_company, finance):
    leased_and_billed(other_company, 1)

    response = finance.client.post(
        "/admin/residents/payment/add/",
        {
            "company": resident_company.pk,
            "amount": "100",
            "received_on": "2026-02-02",
            "invoices": "ICW-2026-000002",
            "allocations-TOTAL_FORMS": "0",
            "allocations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200 and "another company" in response.content.decode()
    assert not Payment.objects.exists()


# --- The same form twice -----------------------------------------------------------------------


def sent_form(client) -> dict:
    """The new payment form's own fields as the page gives them (the hidden key among them)."""
    page = client.get("/staff/finance/payments/new/").content.decode()
    (key,) = re.findall(r'<input type="hidden" name="submission" value="([^"]+)"', page)
    return {"submission": key}


def test_the_payment_form_sent_twice_records_one_payment(jan, resident_company, finance):
    """A double click, or the browser sending the form again on reload: one payment, then the list."""
    form = sent_form(finance.client) | {"company": resident_company.pk, "amount": "13,020.00"}

    first, second = record(finance.client, **form), record(finance.client, **form)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == f"/staff/finance/payments/?company={resident_company.pk}"
    assert "recorded already" in page(finance.client, second["Location"])
    assert Payment.objects.count() == 1 and open_amount(jan) == 0
    assert record(finance.client, **form | sent_form(finance.client) | {"amount": "10"}).status_code == 302
    assert Payment.objects.count() == 2  # the form shown again is a new payment


def test_the_admins_payment_form_sent_twice_records_one_payment(jan, resident_company, finance):
    page = finance.client.get("/admin/residents/payment/add/").content.decode()
    (key,) = re.findall(r'<input type="hidden" name="submission" value="([^"]+)"', page)
    form = {"submission": key, "company": resident_company.pk, "amount": "100", "received_on": "2026-02-02"}
    form |= {"allocations-TOTAL_FORMS": "0", "allocations-INITIAL_FORMS": "0"}

    first, second = (finance.client.post("/admin/residents/payment/add/", form) for _ in range(2))

    assert first.status_code == 302
    assert second.status_code == 200 and "recorded already" in second.content.decode()
    assert Payment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_payment_form_sent_twice_at_once_records_one_payment(campus, resident_company):
    billed(campus)
    leased_and_billed(resident_company, 1)
    clicks = [Client(), Client()]
    user = staff_in_role("finance", "fin")
    for client in clicks:
        client.force_login(user)
    form = sent_form(clicks[0]) | {"company": resident_company.pk, "amount": "500"}

    outcomes = at_once(*(lambda client=client: record(client, **form) for client in clicks))

    assert [outcome.status_code for outcome in outcomes] == [302, 302], outcomes
    assert Payment.objects.count() == 1


# --- Two people at once ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_recording_against_one_invoice_at_once_never_allocate_more_than_it_asks(campus, staff_user):
    billed(campus)
    company = CompanyFactory(campus=campus)
    _lease, (invoice,) = leased_and_billed(company, 1)

    def pay(share):
        return lambda: payment_record(
            company=company,
            amount=Decimal("10000"),
            received_on=PAID_ON,
            reference="",
            actor=staff_user,
            invoices=[(invoice, share)] if share else [invoice],
        )

    outcomes = at_once(pay(Decimal("10000")), pay(Decimal("10000")), pay(None), pay(None))

    recorded = [outcome for outcome in outcomes if isinstance(outcome, Payment)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, BillingRefused)]
    assert len(recorded) + len(refused) == 4, outcomes
    assert len(recorded) >= 2  # at most one share of 10,000 fits; plain invoices always record
    assert open_amount(invoice) == 0
    paid = sum(PaymentAllocation.objects.filter(invoice=invoice).values_list("amount", flat=True))
    assert paid == MONTH
    for payment in recorded:
        assert sum(payment.allocations.values_list("amount", flat=True)) <= payment.amount
    assert company_balance(company).owed == MONTH - 10000 * len(recorded)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_credit_note_and_a_payment_for_one_company_at_once_both_go_through(campus, staff_user):
    """Both write the company's ledger: they take its lock in the same order, so neither fails
    with a deadlock (a server error for one of the two people)."""
    billed(campus)
    company = CompanyFactory(campus=campus)
    _lease, invoices = leased_and_billed(company, 1, 2, 3)

    for invoice in invoices:
        outcomes = at_once(
            lambda invoice=invoice: credit_note_issue(
                invoice=invoice, reason="Goodwill", actor=staff_user, amount=Decimal("109"), tax_percent=Decimal("9")
            ),
            lambda invoice=invoice: payment_record(
                company=company,
                amount=Decimal("100"),
                received_on=PAID_ON,
                reference="",
                actor=staff_user,
                invoices=[invoice],
            ),
        )
        assert [type(outcome) for outcome in outcomes] == [Invoice, Payment], outcomes
        assert open_amount(invoice) == MONTH - 109 - 100


# --- The day an invoice was settled ------------------------------------------------------------


def _settled_on(*invoices) -> list:
    return [Invoice.objects.get(pk=invoice.pk).settled_on for invoice in invoices]


def _overdue_agree(today: dt.date) -> None:
    """The overdue count read by index agrees with the one worked out from the ledger."""
    from residents.services.ledger import overdue_invoices

    worked_out = set(Invoice.objects.with_settlement().overdue(today).values_list("pk", flat=True))
    assert set(overdue_invoices(today).values_list("pk", flat=True)) == worked_out


def test_an_invoice_stores_the_day_it_was_settled_by_payments_carried_credit_and_credit_notes(
    campus, resident_company, staff_user
):
    billed(campus)
    lease, (jan, feb, mar) = leased_and_billed(resident_company, 1, 2, 3)
    assert _settled_on(jan, feb, mar) == [None, None, None]
    _overdue_agree(D(2026, 6, 1))

    # A part payment leaves it owed; the rest settles it on the day that rest arrived.
    payment_record(
        company=resident_company, amount=Decimal("5000"), received_on=PAID_ON, reference="", actor=staff_user
    )
    assert _settled_on(jan, feb) == [None, None]
    _overdue_agree(D(2026, 6, 1))
    payment_record(
        company=resident_company, amount=MONTH + 1000, received_on=D(2026, 2, 20), reference="", actor=staff_user
    )
    assert _settled_on(jan, feb, mar) == [D(2026, 2, 20), None, None]
    _overdue_agree(D(2026, 6, 1))

    # Named invoices, paid in full; the rest of the payment is carried and spent on the next one issued.
    payment_record(
        company=resident_company,
        amount=MONTH * 2,
        received_on=D(2026, 3, 10),
        reference="",
        actor=staff_user,
        invoices=[feb, mar],
    )
    assert _settled_on(feb, mar) == [D(2026, 3, 10), D(2026, 3, 10)]
    apr = issue(lease, 4)  # spends the credit carried, and is still owed
    assert _settled_on(apr) == [None]
    _overdue_agree(D(2026, 6, 1))

    # A credit note of the whole invoice settles it on the credit note's day (what was paid goes back as credit).
    credit_note_issue(invoice=apr, reason="Goodwill", actor=staff_user, today=D(2026, 4, 9))
    assert _settled_on(apr) == [D(2026, 4, 9)]
    _overdue_agree(D(2026, 6, 1))


def test_the_migration_fills_the_day_invoices_were_settled(campus, resident_company, staff_user):
    import importlib

    from django.apps import apps

    billed(campus)
    _lease, (jan, feb) = leased_and_billed(resident_company, 1, 2)
    payment_record(company=resident_company, amount=MONTH, received_on=PAID_ON, reference="", actor=staff_user)
    Invoice.objects.update(settled_on=None)

    importlib.import_module("residents.migrations.0014_invoice_settled_on").settled_on_fill(apps, None)

    assert _settled_on(jan, feb) == [PAID_ON, None]


def test_a_paid_invoice_whose_settlement_day_was_never_stored_is_not_overdue(jan, resident_company):
    # As after a payment recorded by a process that did not store the day (e.g. during a deploy).
    payment = Payment.objects.create(
        campus=jan.campus, company=resident_company, received_on=jan.due_on, amount=jan.total
    )
    PaymentAllocation.objects.create(payment=payment, invoice=jan, amount=jan.total)
    assert _settled_on(jan) == [None]

    later = jan.due_on + dt.timedelta(days=30)
    _overdue_agree(later)
    from residents.services.ledger import overdue_invoices

    assert not overdue_invoices(later).filter(pk=jan.pk).exists()
