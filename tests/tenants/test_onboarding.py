"""Approved companies are onboarded through a plan of tasks, reminded, escalated and made residents."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from tenants.choices import ApplicationStatus as S
from tenants.choices import CompanyStatus, TaskOwner, TaskState
from tenants.exceptions import InvalidTransition
from tenants.models import DomainEvent, Notification, OnboardingPlan, OnboardingTask
from tenants.services.applications import application_transition, stale_drafts_remind
from tenants.services.onboarding import (
    onboarding_start,
    onboarding_task_complete,
    onboarding_task_waive,
    overdue_tasks_escalate,
    overdue_tasks_remind,
)
from tenants.signals import company_became_resident
from tests.concurrency import at_once
from tests.tenants.factories import ApplicationFactory
from tests.tenants.helpers import pdf

pytestmark = pytest.mark.django_db

APPROVED_ON = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.APPLICATION_MIN_REVIEWS = 0
    settings.CAMPUS_STAFF_EMAILS = ["staff@campus.example.org"]


def _approve(application, staff_user):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        application_transition(application=application, to=S.APPROVED, actor=staff_user)
    return OnboardingPlan.objects.get(application=application)


@pytest.fixture
def mails_after_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the e-mail jobs) at the end of the block, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def plan(staff_user):
    return _approve(ApplicationFactory(status=S.COMMITTEE_REVIEW), staff_user)


def test_approval_creates_one_plan_from_the_default_template_with_due_dates(plan):
    titles = list(plan.tasks.values_list("title_en", flat=True))

    assert titles == [
        "Sign the residency agreement",
        "Upload the insurance certificate",
        "Allocate space",
        "Issue access badges",
        "Create IT accounts",
        "Welcome meeting",
        "Assign an advisory mentor",
    ]
    assert plan.tasks.get(title_en="Sign the residency agreement").due_on == APPROVED_ON + dt.timedelta(days=7)
    assert plan.company.status == CompanyStatus.ONBOARDING


def test_repeating_the_start_keeps_one_plan(plan):
    again = onboarding_start(application=plan.application, approved_on=APPROVED_ON)

    assert again == plan
    assert OnboardingPlan.objects.count() == 1
    assert OnboardingTask.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_create_one_plan(staff_user, settings):
    settings.APPLICATION_MIN_REVIEWS = 0
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW)

    def approve():
        return application_transition(application=application, to=S.APPROVED, actor=staff_user)

    outcomes = at_once(approve, approve)
    errors = [outcome for outcome in outcomes if isinstance(outcome, InvalidTransition)]

    assert OnboardingPlan.objects.filter(application=application).count() == 1
    assert len(errors) == 1  # the second approval found it approved already


def test_approval_welcomes_the_company_in_its_language(staff_user, django_capture_on_commit_callbacks):
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW, language="zh-hans")

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to=S.APPROVED, actor=staff_user)

    welcome = [m for m in mail.outbox if "入驻" in m.subject or "欢迎" in m.subject]
    assert welcome, [m.subject for m in mail.outbox]
    assert "签署入驻协议" in welcome[0].body


def test_company_task_needs_its_document(plan):
    task = plan.tasks.get(owner=TaskOwner.COMPANY, title_en="Sign the residency agreement")

    with pytest.raises(InvalidTransition):
        onboarding_task_complete(task=task, actor="ada@example.com")

    onboarding_task_complete(task=task, actor="ada@example.com", upload=pdf("agreement.pdf"))
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.document.original_name == "agreement.pdf"


def test_waiving_needs_a_reason_and_keeps_it(plan, staff_user):
    task = plan.tasks.get(title_en="Create IT accounts")

    with pytest.raises(InvalidTransition):
        onboarding_task_waive(task=task, actor=staff_user, reason="  ")
    onboarding_task_waive(task=task, actor=staff_user, reason="The company brings its own IT.")

    task.refresh_from_db()
    assert (task.state, task.waived_reason, task.completed_by) == (
        TaskState.WAIVED,
        "The company brings its own IT.",
        staff_user,
    )


def test_finishing_every_task_makes_the_company_a_resident_once(plan, staff_user, django_capture_on_commit_callbacks):
    received = []
    company_became_resident.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for task in plan.tasks.all():
                if task.requires_document:
                    onboarding_task_complete(task=task, actor="a@b.c", upload=pdf(), expires_on=dt.date(2030, 1, 1))
                else:
                    onboarding_task_complete(task=task, actor=staff_user)
    finally:
        company_became_resident.disconnect(dispatch_uid="t")

    plan.refresh_from_db()
    plan.company.refresh_from_db()
    assert plan.completed_at is not None
    assert plan.company.status == CompanyStatus.RESIDENT and plan.company.resident_since is not None
    assert DomainEvent.objects.filter(type="company.became_resident").count() == 1
    assert len(received) == 1


def test_overdue_tasks_are_reminded_once_a_day_even_if_the_job_runs_twice(plan, mails_after_commit):
    mail.outbox.clear()
    day = APPROVED_ON + dt.timedelta(days=8)  # the agreement (7 days) is overdue

    with mails_after_commit():
        first = overdue_tasks_remind(day)
        second = overdue_tasks_remind(day)

    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [[plan.application.contacts.get().email]]
    assert "Sign the residency agreement" in mail.outbox[0].subject
    with mails_after_commit():
        assert overdue_tasks_remind(day + dt.timedelta(days=1)) == 1  # and again the next day


def test_staff_owned_overdue_tasks_remind_campus_staff(plan, mails_after_commit):
    mail.outbox.clear()

    with mails_after_commit():
        overdue_tasks_remind(APPROVED_ON + dt.timedelta(days=15))

    recipients = {tuple(m.to) for m in mail.outbox}
    assert ("staff@campus.example.org",) in recipients
    assert any("Allocate space" in m.subject for m in mail.outbox)


def test_many_overdue_tasks_are_reminded_in_batches_each_in_its_language_and_once(
    staff_user, monkeypatch, mails_after_commit
):
    from tenants import notifications
    from tenants.services import onboarding

    monkeypatch.setattr(onboarding, "REMINDER_BATCH", 2)
    monkeypatch.setattr(notifications, "DELIVERY_BATCH", 2)
    plans = [
        _approve(ApplicationFactory(status=S.COMMITTEE_REVIEW, language=language), staff_user)
        for language in ("en", "zh-hans", "en")
    ]
    published = []
    real_publish = notifications.notifications_deliver.apply_async
    monkeypatch.setattr(
        notifications.notifications_deliver,
        "apply_async",
        lambda args, **kwargs: published.append(args[0]) or real_publish(args=args, **kwargs),
    )
    mail.outbox.clear()
    day = APPROVED_ON + dt.timedelta(days=15)  # agreement, insurance (company) and space (staff) overdue

    with mails_after_commit():
        first = overdue_tasks_remind(day)
        second = overdue_tasks_remind(day)

    assert (first, second) == (9, 0)
    reminders = Notification.objects.filter(kind="onboarding:reminder")
    assert reminders.count() == len(mail.outbox) == 9 and not reminders.filter(sent_at__isnull=True).exists()
    assert all(len(batch) <= 2 for batch in published)  # a few e-mails per delivery job, not one job each
    assert sorted(pk for batch in published for pk in batch) == sorted(reminders.values_list("pk", flat=True))
    chinese = plans[1].application.contacts.get().email
    subjects = {m.subject for m in mail.outbox if m.to == [chinese]}
    assert subjects == {f"已逾期：{title}（{plans[1].company.name}）" for title in ("签署入驻协议", "上传保险证明")}
    assert sum(m.to == ["staff@campus.example.org"] for m in mail.outbox) == 3


def test_reminders_of_many_tasks_take_the_queries_of_one(staff_user, mails_after_commit):
    """Each task's e-mails read only what was loaded with the batch: no query per task, contact or campus."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _approve(ApplicationFactory(status=S.COMMITTEE_REVIEW, language="zh-hans"), staff_user)
    day = APPROVED_ON + dt.timedelta(days=15)  # two company tasks and one staff task overdue
    with mails_after_commit(), CaptureQueriesContext(connection) as one:
        assert overdue_tasks_remind(day) == 3
    for language in ("en", "zh-hans", "en"):
        _approve(ApplicationFactory(status=S.COMMITTEE_REVIEW, language=language), staff_user)
    mail.outbox.clear()

    with mails_after_commit(), CaptureQueriesContext(connection) as four:
        assert overdue_tasks_remind(day + dt.timedelta(days=1)) == 12

    assert len(four) == len(one)
    assert len(mail.outbox) == 12
    assert all("was due on" in m.body or "截止日期为" in m.body for m in mail.outbox)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_remind_each_task_once(staff_user):
    for _ in range(3):
        _approve(ApplicationFactory(status=S.COMMITTEE_REVIEW), staff_user)
    mail.outbox.clear()
    day = APPROVED_ON + dt.timedelta(days=15)

    outcomes = at_once(lambda: overdue_tasks_remind(day), lambda: overdue_tasks_remind(day))

    assert sum(outcomes) == 9, outcomes
    assert Notification.objects.filter(kind="onboarding:reminder").count() == 9
    assert len(mail.outbox) == 9


def test_escalation_after_the_configured_delay_happens_once(plan, settings, mails_after_commit):
    settings.ONBOARDING_ESCALATION_DAYS = 5
    mail.outbox.clear()

    with mails_after_commit():
        before = overdue_tasks_escalate(dt.datetime(2026, 3, 12, 9, tzinfo=dt.UTC))  # agreement 3 days late
        on_time = overdue_tasks_escalate(dt.datetime(2026, 3, 15, 9, tzinfo=dt.UTC))  # 6 days late
        again = overdue_tasks_escalate(dt.datetime(2026, 3, 15, 10, tzinfo=dt.UTC))

    assert (before, on_time, again) == (0, 1, 0)
    assert mail.outbox[-1].to == ["staff@campus.example.org"]
    assert "Escalation" in mail.outbox[-1].subject


def test_unfinished_drafts_get_one_reminder(settings, mails_after_commit):
    settings.DRAFT_REMINDER_DAYS = 7
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        draft = ApplicationFactory(status=S.DRAFT)
        submitted = ApplicationFactory(status=S.SUBMITTED)
        withdrawn = ApplicationFactory(status=S.WITHDRAWN)

    with time_machine.travel(dt.datetime(2026, 1, 5, tzinfo=dt.UTC)):
        assert stale_drafts_remind() == 0  # not stale yet
    with time_machine.travel(dt.datetime(2026, 1, 10, tzinfo=dt.UTC)), mails_after_commit():
        assert stale_drafts_remind() == 1
        assert stale_drafts_remind() == 0

    reminded = {m.to[0] for m in mail.outbox}
    assert reminded == {draft.contacts.get().email}
    assert submitted.contacts.get().email not in reminded and withdrawn.contacts.get().email not in reminded
    assert "/apply/resume/" in mail.outbox[0].body


def test_a_reminder_that_cannot_be_composed_is_skipped_and_logged_and_the_others_go_out(
    staff_user, monkeypatch, mails_after_commit, caplog
):
    from tenants import notifications

    plans = [_approve(ApplicationFactory(status=S.COMMITTEE_REVIEW), staff_user) for _ in range(3)]
    broken = plans[1]
    real_render = notifications.render_text

    def render_fails_for_one_company(path, context, *args, **kwargs):
        task = context.get("task")
        if task is not None and task.plan.company_id == broken.company_id:
            raise ValueError("template cannot be rendered")
        return real_render(path, context, *args, **kwargs)

    monkeypatch.setattr(notifications, "render_text", render_fails_for_one_company)
    mail.outbox.clear()
    day = APPROVED_ON + dt.timedelta(days=8)  # each plan's agreement (7 days) is overdue

    with mails_after_commit():
        assert overdue_tasks_remind(day) == 2

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.application.contacts.get().email for p in plans[::2])
    failing_task = broken.tasks.get(due_on__lt=day)
    assert not failing_task.reminders.exists()  # no reminder row: the next run tries it again
    [record] = [r for r in caplog.records if r.exc_info and r.levelname == "ERROR"]
    assert str(failing_task.pk) in record.getMessage()

    monkeypatch.setattr(notifications, "render_text", real_render)
    with mails_after_commit():
        assert overdue_tasks_remind(day) == 1
    assert mail.outbox[-1].to == [broken.application.contacts.get().email]
