"""Every scheduled job acts once in its period, however often it runs: walked over the beat schedule itself.

The jobs are the django-celery-beat rows migrate creates, not a list kept here: a schedule added
later is walked too, and fails until the world below gives it work to do. Each job runs once in a
world where everything it looks for is due, must change something (an e-mail, a webhook, a row),
then runs again in the same period and must change nothing at all: no e-mail, no webhook, and the
same rows, compared by content in every table, not only counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from partners import schedules as partner_schedules
from partners.services import webhook_ping, webhook_register
from residents import schedules as resident_schedules
from residents.models import Announcement, Booking
from residents.services.announcements import announcement_publish, announcement_save
from residents.services.frontdesk import delivery_log
from residents.services.invoices import invoices_issue_batch
from tenants import events
from tenants import schedules as tenant_schedules
from tenants.choices import ApplicationStatus as S
from tenants.models import Application
from tenants.services.applications import application_transition, application_withdraw
from tenants.services.onboarding import onboarding_task_waive
from tests.partners.factories import client_with, token_for
from tests.personas import resident_of
from tests.residents.bookings_setup import resource_open
from tests.residents.leases_setup import leased
from tests.residents.requests_setup import in_state, raised
from tests.tenants.factories import ApplicationFactory, ComplianceDocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)  # jobs deliver their e-mails and webhooks after commit

THEN = dt.datetime(2024, 3, 4, 2, 0, tzinfo=dt.UTC)  # when the world is made


@pytest.fixture
def world(settings, campus, staff_user, partner_a, broker, httpserver, monkeypatch) -> dt.datetime:
    """Work for every scheduled job, made at THEN; returns a moment at which all of it is due."""
    settings.APPLICATION_MIN_REVIEWS = 0
    settings.CAMPUS_STAFF_EMAILS = ["staff@campus.example.org"]
    settings.WEBHOOKS_ALLOW_LOOPBACK = True  # the partner's receiver is httpserver, on this machine
    httpserver.expect_request("/hooks", method="POST").respond_with_data("ok")
    # The retention period is the longest wait; a week for drafts and escalations, a day for keys pass in it.
    due = THEN + dt.timedelta(days=settings.APPLICATION_RETENTION_DAYS + 30)
    with time_machine.travel(THEN, tick=False):
        # Remind applicants of unfinished drafts: a draft with a contact, untouched since.
        ApplicationFactory(campus=campus, company__campus=campus, company__name="Stale Draft Bio")
        # Erase applications past their retention period: one rejected, one withdrawn.
        rejected = ApplicationFactory(campus=campus, company__campus=campus, status=S.SCREENING)
        application_transition(application=rejected, to=S.REJECTED, actor=staff_user, reason="Out of scope.")
        withdrawn = ApplicationFactory(campus=campus, company__campus=campus, status=S.SUBMITTED)
        application_withdraw(application=withdrawn, actor=withdrawn.primary_contact.email)
        # The yearly outcome survey and the compliance checks: a resident with an expiring and an expired document.
        resident = _resident(campus, staff_user)
        today = timezone.localdate(due)
        ComplianceDocumentFactory(company=resident, expires_on=today + dt.timedelta(days=1))
        ComplianceDocumentFactory(company=resident, kind="biosafety_permit", expires_on=today - dt.timedelta(days=1))
        # Escalate flagged deliveries: a cold-chain parcel for the resident, never collected. E-mail
        # announcements that are due: one set to go out a day later, to the resident's people.
        people = resident_of(resident, "admin", "Ada")
        delivery_log(company=resident, carrier="SF Express", description="Reagents", cold_chain=True, actor=staff_user)
        announcement = announcement_save(
            announcement=Announcement(
                campus=campus, audience="campus", title_en="Fire drill", title_zh="消防演习", body_en=".", body_zh="。"
            ),
            actor=staff_user,
        )
        announcement_publish(announcement=announcement, actor=staff_user, at=THEN + dt.timedelta(days=1))
        assert people.membership.company == resident
        # Remind people of their bookings a day ahead: Ada's room booking starts half a day after the moment.
        Booking.objects.create(
            resource=resource_open(campus),
            company=resident,
            booked_by=people.user,
            starts_at=due + dt.timedelta(hours=12),
            ends_at=due + dt.timedelta(hours=13),
        )
        # Escalate service requests past their targets: one nobody answered. Close resolved service
        # requests after the reopening window: one resolved and never reopened.
        raised(people)
        in_state(people, "resolved", staff_user)
        # Alert leases ending in 90, 60 and 30 days: the resident's lease ends 60 days after the moment.
        # Issue the month's invoices from the billing day: the same lease, billed from the 1st.
        lease = leased(resident, starts_on=THEN.date(), ends_on=today + dt.timedelta(days=60), actor=staff_user)
        # Remind companies of overdue invoices: its first month, invoiced when it began and never paid.
        invoices_issue_batch(
            campus_id=campus.pk, period=THEN.date().replace(day=1), lease_ids=[lease.pk], today=THEN.date()
        )
        # Forget expired idempotency keys, and announce unpublished domain events: a partner listening
        # for its referrals refers a company (with an Idempotency-Key), whose contact then withdraws;
        # the web process stops between the commit and the announcement.
        endpoint = webhook_register(
            partner=partner_a, url=httpserver.url_for("/hooks"), event_types=["referral.status_changed", "ping"]
        )
        response = client_with(token_for(partner_a)).post(
            "/api/v1/referrals/", _referral(campus), format="json", HTTP_IDEMPOTENCY_KEY="referral-1"
        )
        assert response.status_code == 201, response.content
        referred = Application.objects.get(company__name="Neuro Robotics")
        with monkeypatch.context() as process:
            process.setattr(events, "_publish_after_commit", lambda event_id: None)
            application_withdraw(application=referred, actor="ivan@neuro.example.com")
        # Deliver pending e-mails and send due webhooks: while the broker is down, staff approve an
        # application (remind owners of its overdue tasks, escalate them) and the partner pings.
        broker.down()
        onboarding = ApplicationFactory(campus=campus, company__campus=campus, status=S.COMMITTEE_REVIEW)
        application_transition(application=onboarding, to=S.APPROVED, actor=staff_user)
        webhook_ping(endpoint=endpoint)
        broker.in_process()
    return due


def _resident(campus, staff_user):
    application = ApplicationFactory(campus=campus, company__campus=campus, status=S.COMMITTEE_REVIEW)
    plan = application_transition(application=application, to=S.APPROVED, actor=staff_user).onboarding_plan
    for task in plan.tasks.all():
        onboarding_task_waive(task=task, actor=staff_user, reason="Done before the portal.")
    application.company.refresh_from_db()
    assert application.company.status == "resident"
    return application.company


def _referral(campus) -> dict:
    return {
        "campus": campus.slug,
        "company_name": "Neuro Robotics",
        "country": "RU",
        "contact_name": "Ivan Petrov",
        "contact_email": "ivan@neuro.example.com",
    }


def test_every_scheduled_job_acts_once_however_often_it_runs_in_its_period(world, httpserver):
    from django_celery_beat.models import PeriodicTask

    from portal.celery import app

    app.loader.import_default_modules()  # what a worker imports: each app's tasks module
    schedule = PeriodicTask.objects.exclude(task="celery.backend_cleanup").order_by("name")
    declared = {
        task
        for _name, task, _fields in tenant_schedules.SCHEDULES
        + partner_schedules.SCHEDULES
        + resident_schedules.SCHEDULES
    }
    missing = declared - set(schedule.values_list("task", flat=True))
    assert not missing, f"migrate did not create these schedules, so the walk would skip them: {missing}"

    problems, walked = [], set()
    # A second passes before each run: a job that stamps its rows again shows, and all runs fall
    # in one minute (and hour, day, year), the shortest period of any schedule.
    with time_machine.travel(world, tick=False) as clock:
        for row in schedule:
            problems += _run_twice(app, row, httpserver, clock)
            walked.add(row.name)

    assert walked == set(schedule.values_list("name", flat=True)), "the walk left out some of the schedule"
    assert not problems, "\n".join(problems)


def _run_twice(app, row, httpserver, clock) -> list[str]:
    """Run the job of ``row`` as beat would, twice; what went wrong, in words."""
    job = f"“{row.name}” ({row.task})"
    if row.task not in app.tasks:
        return [f"{job}: no task of this name is registered."]
    task, args, kwargs = app.tasks[row.task], json.loads(row.args or "[]"), json.loads(row.kwargs or "{}")
    states = [_state(httpserver)]
    for _run in range(2):
        clock.shift(dt.timedelta(seconds=1))
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception as exc:
            return [f"{job} failed: {type(exc).__name__}: {exc}"]
        states.append(_state(httpserver))
    before, first, second = states
    problems = []
    if first == before:
        problems.append(
            f"{job} did nothing on its first run: the world of this test gives it no work. "
            "If the schedule is new, give its job something to do in the `world` fixture."
        )
    if second != first:
        problems.append(f"{job} acted again in the same period: {'; '.join(_differences(first, second))}.")
    return problems


def _state(httpserver) -> dict:
    """What a job can change: e-mails sent, webhooks received, and the rows of every table."""
    return {"e-mails sent": len(mail.outbox), "webhooks received": len(httpserver.log), **_tables()}


def _tables() -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows' contents, in any order."""
    quote = connection.ops.quote_name
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - a name the database itself listed
            rows = sorted(repr(tuple(_plain(value) for value in row)) for row in cursor.fetchall())
            tables[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return tables


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value  # a memoryview's repr is its address


def _differences(first: dict, second: dict) -> list[str]:
    differences = []
    for name in sorted(first.keys() | second.keys()):
        was, now = first.get(name), second.get(name)
        if was == now:
            continue
        if isinstance(was, int):
            differences.append(f"{name} {was} → {now}")
        elif was is None or now is None or was[0] == now[0]:
            differences.append(f"rows of {name} changed")
        else:
            differences.append(f"{name} {was[0]} → {now[0]} rows")
    return differences
