"""Unpaid invoices: the company's admins and finance people are reminded 7 and 14 days after the
due date, each in their language, and campus finance staff hear of it at 30 days; each once,
however often or late the daily job runs, and never for an invoice paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from residents.models import InvoiceReminder
from residents.services.payments import payment_record
from residents.services.reminders import invoices_remind
from tenants.models import Notification
from tests.concurrency import at_once
from tests.residents.payments_setup import billed, leased_and_billed

pytestmark = pytest.mark.django_db

D = dt.date
DUE = D(2026, 1, 20)


@pytest.fixture
def overdue(campus, resident_company, resident_admin, resident_member, resident_finance):
    """Helix's January invoice, ICW-2026-000001 for 13,020 CNY, due on 20 January."""
    billed(campus)
    resident_finance.membership.language = "zh-hans"
    resident_finance.membership.save(update_fields=["language"])
    _lease, (invoice,) = leased_and_billed(resident_company, 1)
    assert invoice.due_on == DUE
    return invoice


def on(day: int | dt.date, mailed) -> list:
    today = day if isinstance(day, dt.date) else DUE + dt.timedelta(days=day)
    _sent, emails = mailed(lambda: invoices_remind(today=today))
    return emails


def to(emails) -> list[str]:
    return sorted(address for email in emails for address in email.to)


def test_the_company_is_reminded_at_7_and_14_days_and_finance_staff_at_30_each_once(
    overdue, resident_admin, resident_finance, finance, mailed
):
    company_people = sorted([resident_admin.user.email, resident_finance.user.email])

    assert on(6, mailed) == []
    first = on(7, mailed)
    assert to(first) == company_people  # admins and finance people, not members
    assert "ICW-2026-000001" in first[0].subject and "13,020.00 CNY" in first[0].body
    languages = dict(Notification.objects.filter(kind="invoice:reminder").values_list("recipient", "language"))
    assert languages == {resident_admin.user.email: "en", resident_finance.user.email: "zh-hans"}
    assert on(7, mailed) == [] and on(10, mailed) == []
    assert to(on(14, mailed)) == company_people
    assert on(29, mailed) == []

    escalation = on(30, mailed)

    assert to(escalation) == [finance.user.email]
    assert "30 days past due" in escalation[0].subject and "/staff/finance/payments/?company=" in escalation[0].body
    assert on(30, mailed) == [] and on(90, mailed) == []
    assert sorted(InvoiceReminder.objects.values_list("days", flat=True)) == [7, 14, 30]


def test_an_invoice_found_late_gets_the_nearest_reminder_only(overdue, resident_admin, resident_finance, mailed):
    assert len(on(21, mailed)) == 2  # one reminder each: the 14-day one, not 7 and 14 together
    assert on(25, mailed) == []
    assert list(InvoiceReminder.objects.values_list("days", flat=True)) == [14]


def test_without_finance_staff_the_campus_staff_hear_at_30_days(
    overdue, resident_admin, resident_finance, campus_staff, mailed
):
    emails = on(45, mailed)  # found late: the 14-day reminder and the escalation

    assert to(emails) == sorted([*campus_staff, resident_admin.user.email, resident_finance.user.email])
    assert sorted(InvoiceReminder.objects.values_list("days", flat=True)) == [14, 30]


def test_a_paid_invoice_gets_nothing_and_a_part_paid_one_is_reminded_of_what_is_left(
    overdue, resident_company, staff_user, mailed
):
    payment_record(
        company=resident_company, amount=Decimal("13000"), received_on=D(2026, 1, 25), reference="", actor=staff_user
    )

    (email, _other) = on(7, mailed)
    assert "20.00 CNY" in email.body

    payment_record(
        company=resident_company, amount=Decimal("20"), received_on=D(2026, 1, 28), reference="", actor=staff_user
    )
    assert on(14, mailed) == [] and on(40, mailed) == []
    assert list(InvoiceReminder.objects.values_list("days", flat=True)) == [7]


def test_the_daily_job_is_registered_under_its_name():
    from residents import schedules, tasks

    assert tasks.invoices_remind.name == "residents.tasks.invoices_remind"
    assert "residents.tasks.invoices_remind" in {task for _name, task, _when in schedules.SCHEDULES}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(campus, resident_company, resident_admin):
    billed(campus)
    leased_and_billed(resident_company, 1)
    before = len(mail.outbox)

    at_once(*[lambda: invoices_remind(today=DUE + dt.timedelta(days=8))] * 3)

    assert InvoiceReminder.objects.count() == 1
    assert Notification.objects.filter(kind="invoice:reminder").count() == 1
    assert len(mail.outbox) - before <= 1
