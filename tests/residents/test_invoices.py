"""Issuing the month's invoices: on the billing day, once per lease and month whatever runs it,
numbered without gaps per campus and year, with rent, subsidies and service charge as lines, and
corrected only by credit notes."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from residents.choices import InvoiceKind
from residents.exceptions import BillingRefused
from residents.models import Invoice, InvoiceSequence
from residents.rent import LineKind
from residents.services.invoices import credit_note_issue, invoices_issue, invoices_issue_batch
from tests.residents.leases_setup import leased
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def billed_campus(campus):
    campus.invoice_prefix = "ICW"
    campus.billing_day = 5
    campus.payment_terms_days = 15
    campus.save()
    return campus


def numbers(campus) -> list[str]:
    return [invoice.display_number for invoice in Invoice.objects.filter(campus=campus).order_by("year", "number")]


def test_the_billing_day_issues_each_lease_its_month_once_with_subsidy_and_service_lines(
    billed_campus, resident_company, other_company
):
    helix = leased(resident_company, subsidies=[(1, 6, Decimal("100")), (7, 18, Decimal("50"))])
    nordic = leased(other_company, area="50")

    assert invoices_issue(today=D(2026, 3, 4)) == 0  # before the billing day
    assert not Invoice.objects.exists()

    invoices_issue(today=D(2026, 3, 5))

    assert numbers(billed_campus) == ["ICW-2026-000001", "ICW-2026-000002"]
    invoice = Invoice.objects.get(lease=helix)
    assert (invoice.period, invoice.issued_on, invoice.due_on) == (D(2026, 3, 1), D(2026, 3, 5), D(2026, 3, 20))
    lines = [(line.kind, line.net, line.tax) for line in invoice.lines.all()]
    # 100 m² × 100 CNY rent (9% tax), waived in full in month 3; 100 m² × 20 CNY service (6% tax).
    assert lines == [
        (LineKind.RENT, Decimal("10000.00"), Decimal("900.00")),
        (LineKind.SUBSIDY, Decimal("-10000.00"), Decimal("-900.00")),
        (LineKind.SERVICE_CHARGE, Decimal("2000.00"), Decimal("120.00")),
    ]
    assert (invoice.net, invoice.tax, invoice.total) == (Decimal("2000.00"), Decimal("120.00"), Decimal("2120.00"))
    assert Invoice.objects.get(lease=nordic).total == Decimal("5450.00") + Decimal("1060.00")

    # Again the same day, later in the month, or batch by batch: nothing more.
    invoices_issue(today=D(2026, 3, 5))
    invoices_issue(today=D(2026, 3, 28))
    assert (
        invoices_issue_batch(
            campus_id=billed_campus.pk, period=D(2026, 3, 1), lease_ids=[helix.pk, nordic.pk], today=D(2026, 3, 9)
        )
        == 0
    )
    assert Invoice.objects.count() == 2

    invoices_issue(today=D(2026, 4, 5))
    assert numbers(billed_campus)[-2:] == ["ICW-2026-000003", "ICW-2026-000004"]


def test_a_first_month_begun_mid_month_is_prorated_by_its_days(billed_campus, resident_company):
    lease = leased(resident_company, starts_on=D(2026, 4, 11), ends_on=D(2027, 4, 10))

    invoices_issue(today=D(2026, 4, 20))

    invoice = Invoice.objects.get(lease=lease)
    rent = invoice.lines.get(kind=LineKind.RENT)
    assert (rent.first_day, rent.last_day, rent.days, rent.days_in_month) == (D(2026, 4, 11), D(2026, 4, 30), 20, 30)
    assert rent.net == Decimal("6666.67")  # 10,000 × 20/30, rounded to the fen


def test_the_year_starts_numbering_again_and_a_missed_month_is_caught_up(billed_campus, resident_company):
    leased(resident_company, starts_on=D(2026, 12, 1), ends_on=D(2027, 11, 30))

    invoices_issue(today=D(2026, 12, 5))
    invoices_issue(today=D(2027, 1, 20))  # the job did not run on 5 January

    assert numbers(billed_campus) == ["ICW-2026-000001", "ICW-2027-000001"]


def test_a_lease_ended_early_is_billed_for_its_days_in_that_month_only(billed_campus, resident_company):
    from residents.services.leases import lease_terminate

    lease = leased(resident_company)
    lease_terminate(lease=lease, on=D(2026, 6, 15), reason="Moved to a bigger site", actor=None)

    invoices_issue(today=D(2026, 6, 5))
    invoices_issue(today=D(2026, 7, 5))

    june = Invoice.objects.get(lease=lease)
    assert june.period == D(2026, 6, 1)
    assert june.lines.get(kind=LineKind.RENT).days == 15


def test_a_number_given_in_a_transaction_that_rolls_back_is_given_again(billed_campus, resident_company):
    lease = leased(resident_company)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        invoices_issue_batch(
            campus_id=billed_campus.pk, period=D(2026, 1, 1), lease_ids=[lease.pk], today=D(2026, 1, 5)
        )
        raise Boom

    assert not Invoice.objects.exists()
    invoices_issue_batch(campus_id=billed_campus.pk, period=D(2026, 1, 1), lease_ids=[lease.pk], today=D(2026, 1, 5))
    assert numbers(billed_campus) == ["ICW-2026-000001"]


# --- Credit notes ------------------------------------------------------------------------------


@pytest.fixture
def invoice(billed_campus, resident_company):
    leased(resident_company)
    invoices_issue(today=D(2026, 1, 5))
    return Invoice.objects.get()


def test_a_credit_note_reverses_an_invoice_with_its_own_number_and_leaves_the_invoice_as_issued(invoice, staff_user):
    before = (invoice.net, invoice.tax, invoice.total, list(invoice.lines.values_list("net", flat=True)))

    note = credit_note_issue(invoice=invoice, reason="Wrong area", actor=staff_user, today=D(2026, 1, 9))

    assert (note.kind, note.credits, note.display_number) == (InvoiceKind.CREDIT_NOTE, invoice, "ICW-2026-000002")
    assert note.total == -invoice.total and note.created_by == staff_user
    invoice.refresh_from_db()
    assert (invoice.net, invoice.tax, invoice.total, list(invoice.lines.values_list("net", flat=True))) == before
    settled = Invoice.objects.with_settlement().get(pk=invoice.pk)
    assert settled.open_amount == 0


def test_a_partial_credit_note_splits_tax_out_of_the_gross_amount(invoice, staff_user):
    with pytest.raises(BillingRefused) as refused:  # rent at 9%, service at 6%: which?
        credit_note_issue(invoice=invoice, reason="Goodwill", actor=staff_user, amount=Decimal("109.00"))
    assert refused.value.field == "tax_percent"

    note = credit_note_issue(
        invoice=invoice, reason="Goodwill", actor=staff_user, amount=Decimal("109.00"), tax_percent=Decimal("9")
    )

    line = note.lines.get()
    assert (line.kind, line.net, line.tax, line.description) == (
        LineKind.CORRECTION,
        Decimal("-100.00"),
        Decimal("-9.00"),
        "Goodwill",
    )


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [
        ("0", "Goodwill", "amount"),
        ("999999", "Goodwill", "amount"),
        ("abc", "Goodwill", "amount"),
        ("5", " ", "reason"),
    ],
)
def test_a_credit_note_out_of_bounds_is_refused_naming_the_field(invoice, staff_user, amount, reason, field):
    with pytest.raises(BillingRefused) as refused:
        credit_note_issue(invoice=invoice, reason=reason, actor=staff_user, amount=amount, tax_percent=Decimal("9"))
    assert refused.value.field == field
    assert Invoice.objects.count() == 1
    assert InvoiceSequence.objects.get().last_number == 1


def test_a_credit_note_cannot_itself_be_credited_nor_an_invoice_credited_twice_in_full(invoice, staff_user):
    note = credit_note_issue(invoice=invoice, reason="Wrong area", actor=staff_user)

    with pytest.raises(BillingRefused):
        credit_note_issue(invoice=note, reason="Again", actor=staff_user)
    with pytest.raises(BillingRefused):
        credit_note_issue(invoice=invoice, reason="Again", actor=staff_user)


# --- Two workers at once ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_the_same_month_at_once_issue_each_invoice_once_without_gaps(campus):
    campus.invoice_prefix = "ICW"
    campus.save()
    leases = [leased(CompanyFactory(campus=campus), area="10") for _ in range(12)]
    ids = [lease.pk for lease in leases]
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def worker(batch):
        try:
            barrier.wait(timeout=10)
            invoices_issue_batch(campus_id=campus.pk, period=D(2026, 2, 1), lease_ids=batch, today=D(2026, 2, 1))
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)
        finally:
            connection.close()

    # Two runs of the whole month, and two of overlapping halves, all at once.
    batches = [ids, ids, ids[:8], ids[4:]]
    threads = [threading.Thread(target=worker, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Invoice.objects.count() == 12
    assert sorted(Invoice.objects.values_list("number", flat=True)) == list(range(1, 13))
    assert InvoiceSequence.objects.get(campus=campus, year=2026).last_number == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ending_a_lease_while_the_days_invoices_are_issued_fails_neither_nor_bills_after_its_end(campus, staff_user):
    """Ending a lease locks it, then the company's ledger and the numbering; the daily job took the
    numbering, then waited on the lease to write its invoice: one of the two failed (a deadlock)."""
    from residents.services.leases import lease_terminate
    from tests.concurrency import at_once
    from tests.residents.payments_setup import billed, leased_and_billed

    billed(campus)
    for _ in range(3):
        lease, (june,) = leased_and_billed(CompanyFactory(campus=campus), 6)

        outcomes = at_once(
            lambda lease=lease: lease_terminate(lease=lease, on=D(2026, 6, 15), reason="Moved", actor=staff_user),
            lambda lease=lease: invoices_issue_batch(
                campus_id=campus.pk, period=D(2026, 7, 1), lease_ids=[lease.pk], today=D(2026, 7, 5)
            ),
        )

        assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
        billed_after_the_end = Invoice.objects.filter(lease=lease, period=D(2026, 7, 1)).values_list("total", flat=True)
        assert sum(billed_after_the_end, Decimal("0")) == 0  # not billed, or billed and credited
        assert Invoice.objects.with_settlement().get(pk=june.pk).open_amount == Decimal("6510.00")


def test_ending_a_lease_early_credits_what_was_billed_after_its_last_day(billed_campus, resident_company, staff_user):
    from residents.services.leases import lease_terminate

    lease = leased(resident_company)
    invoices_issue(today=D(2026, 6, 5))  # June billed in full in advance
    june = Invoice.objects.get(lease=lease)

    lease_terminate(lease=lease, on=D(2026, 6, 15), reason="Moved to a bigger site", actor=staff_user)

    note = june.credit_notes.get()
    # 15 of June's 30 days are no longer owed: half the rent (9%) and half the service charge (6%).
    assert [(line.tax_percent, line.net, line.tax) for line in note.lines.all()] == [
        (Decimal("6.00"), Decimal("-1000.00"), Decimal("-60.00")),
        (Decimal("9.00"), Decimal("-5000.00"), Decimal("-450.00")),
    ]
    assert "ended early" in note.lines.first().description
    assert Invoice.objects.with_settlement().get(pk=june.pk).open_amount == june.total - Decimal("6510.00")
    invoices_issue(today=D(2026, 7, 5))
    assert Invoice.objects.filter(kind=InvoiceKind.INVOICE).count() == 1


@pytest.mark.parametrize(
    ("credited_first", "credit_notes", "left_open"),
    [
        ({"amount": "", "tax_percent": "", "reason": "Wrong area"}, 1, Decimal("0.00")),
        # A goodwill gesture of 1,090 on the rent: the end still leaves what the 15 days cost.
        ({"amount": "1090", "tax_percent": "9.00", "reason": "Goodwill"}, 2, Decimal("6510.00")),
    ],
    ids=["reversed-in-full", "partly-credited"],
)
def test_ending_a_lease_early_never_credits_an_invoice_beyond_what_it_billed(
    billed_campus, resident_company, resident_finance, client, credited_first, credit_notes, left_open
):
    """Ending a lease credits what is billed after its last day and not credited yet: an invoice
    corrected by a credit note before is never credited twice for the same days."""
    from tests.personas import staff_in_role

    lease = leased(resident_company)
    invoices_issue(today=D(2026, 6, 5))
    june = Invoice.objects.get(lease=lease)
    client.force_login(staff_in_role("finance"))
    assert client.post(f"/admin/residents/invoice/{june.pk}/credit-note/", credited_first).status_code == 302

    ended = client.post(
        f"/admin/residents/lease/{lease.pk}/terminate/", {"terminated_on": "2026-06-15", "reason": "Moved out"}
    )

    assert ended.status_code == 302
    settled = Invoice.objects.with_settlement().get(pk=june.pk)
    assert settled.credit_notes.count() == credit_notes
    assert -settled.credited <= june.total
    assert settled.open_amount == left_open
    page = resident_finance.client.get("/my/invoices/").content.decode()
    assert 'class="balance credit"' not in page  # the company is not given money back for nothing


# --- Sending ------------------------------------------------------------------------------------


def test_an_issued_invoice_is_e_mailed_once_with_its_pdf_to_the_finance_people_in_their_language(
    billed_campus, resident_company, resident_finance, resident_admin, django_capture_on_commit_callbacks
):
    from django.core import mail

    from residents.tasks import invoice_deliver

    resident_finance.membership.language = "zh-hans"
    resident_finance.membership.save()
    leased(resident_company)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        invoices_issue(today=D(2026, 3, 5))

    invoice = Invoice.objects.get()
    assert [message.to for message in mail.outbox] == [[resident_finance.user.email]]  # not the admin
    message = mail.outbox[0]
    assert "ICW-2026-000001" in message.subject and "发票" in message.subject
    (name, content, _mimetype) = message.attachments[0]
    assert name == "ICW-2026-000001.pdf" and content.startswith(b"%PDF")
    assert f"/my/invoices/{invoice.pk}/" in message.body
    invoice.refresh_from_db()
    assert invoice.emailed_at is not None and invoice.pdf

    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_deliver.apply(args=[invoice.pk]).result == 0
    assert len(mail.outbox) == 1


def test_a_company_without_finance_people_gets_the_invoice_at_its_admins_and_a_lost_job_is_sent_next_day(
    billed_campus, resident_company, resident_admin, django_capture_on_commit_callbacks
):
    import time_machine
    from django.core import mail

    leased(resident_company)
    invoices_issue(today=D(2026, 3, 5))  # its sending job is lost: the callbacks never run
    mail.outbox.clear()

    with time_machine.travel(dt.datetime(2099, 1, 1)), django_capture_on_commit_callbacks(execute=True):
        invoices_issue(today=D(2026, 3, 6))

    assert [message.to for message in mail.outbox] == [[resident_admin.user.email]]
    assert "Invoice ICW-2026-000001" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_credit_note_is_issued_at_once_and_e_mailed_by_the_next_daily_run(
    billed_campus, resident_company, resident_finance, broker, client
):
    import time

    import time_machine
    from django.core import mail
    from django.utils import timezone

    from tests.personas import staff_in_role

    leased(resident_company)
    invoices_issue(today=D(2026, 3, 5))
    invoice = Invoice.objects.get()
    client.force_login(staff_in_role("finance"))
    broker.down()
    started = time.monotonic()

    response = client.post(
        f"/admin/residents/invoice/{invoice.pk}/credit-note/", {"amount": "", "tax_percent": "", "reason": "Wrong"}
    )

    assert response.status_code == 302 and time.monotonic() - started < 15
    note = invoice.credit_notes.get()
    assert note.emailed_at is None and resident_finance.client.get(f"/my/invoices/{note.pk}/").status_code == 200
    broker.in_process()
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        invoices_issue(today=D(2026, 3, 6))
    assert [message.subject for message in mail.outbox].count(
        f"Credit note {note.display_number} from {billed_campus}"
    ) == 1


def test_a_credit_note_is_e_mailed_naming_the_invoice_it_corrects(
    invoice, resident_finance, staff_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        credit_note_issue(invoice=invoice, reason="Wrong area", actor=staff_user)

    bodies = [message.body for message in mail.outbox if "Credit note" in message.subject]
    assert len(bodies) == 1 and "correcting invoice ICW-2026-000001" in bodies[0] and "Wrong area" in bodies[0]
