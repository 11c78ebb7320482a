"""Onboarding of approved companies, compliance documents, and the scheduled jobs that keep them moving.

Every function that a schedule runs is safe to run twice: each effect is guarded by a unique
row or a conditional update, so a second run (or a retried worker) finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from common.actors import Actor, actor_email, actor_user

from ..choices import ApplicationStatus, CompanyStatus, ComplianceKind, TaskOwner, TaskState
from ..events import event_record
from ..exceptions import InvalidTransition
from ..models import (
    Application,
    Company,
    ComplianceDocument,
    Notification,
    OnboardingPlan,
    OnboardingReminder,
    OnboardingTask,
    OnboardingTemplate,
    OnboardingTemplateTask,
)
from ..notifications import (
    contact_notifications,
    notifications_write,
    notify_contacts,
    notify_staff,
    staff_notifications,
)

logger = logging.getLogger(__name__)

# Overdue tasks reminded in one transaction by the daily job: their reminder rows and e-mails are
# written in a few statements, and their deliveries published after its commit.
REMINDER_BATCH = 500

# The standard plan, used for a campus until its staff change it in the admin.
DEFAULT_TASKS = [
    ("Sign the residency agreement", "签署入驻协议", TaskOwner.COMPANY, 7, ComplianceKind.RESIDENCY_AGREEMENT),
    ("Upload the insurance certificate", "上传保险证明", TaskOwner.COMPANY, 14, ComplianceKind.INSURANCE_CERTIFICATE),
    ("Allocate space", "分配空间", TaskOwner.SPACE_MANAGER, 14, ""),
    ("Issue access badges", "办理门禁卡", TaskOwner.FACILITIES, 21, ""),
    ("Create IT accounts", "开通 IT 账户", TaskOwner.IT, 21, ""),
    ("Welcome meeting", "欢迎会议", TaskOwner.CAMPUS_MANAGER, 30, ""),
    ("Assign an advisory mentor", "指派顾问导师", TaskOwner.CAMPUS_MANAGER, 30, ""),
]


def onboarding_template_for(campus) -> OnboardingTemplate:
    """The campus's template, created with the standard tasks the first time it is needed."""
    template, created = OnboardingTemplate.objects.get_or_create(campus=campus)
    if created:
        OnboardingTemplateTask.objects.bulk_create(
            OnboardingTemplateTask(
                template=template,
                position=position,
                title_en=title_en,
                title_zh=title_zh,
                owner=owner,
                due_after_days=days,
                requires_document=document,
            )
            for position, (title_en, title_zh, owner, days, document) in enumerate(DEFAULT_TASKS)
        )
    return template


@transaction.atomic
def onboarding_start(*, application: Application, approved_on: dt.date) -> OnboardingPlan:
    """Create the one plan of an approved application and welcome the company. Repeating it does nothing."""
    template = onboarding_template_for(application.campus)
    # get_or_create retries the read when a concurrent approval inserted the plan first.
    plan, created = OnboardingPlan.objects.get_or_create(
        application=application,
        defaults={"company": application.company, "campus": application.campus, "approved_on": approved_on},
    )
    if not created:
        return plan
    OnboardingTask.objects.bulk_create(
        OnboardingTask(
            plan=plan,
            position=item.position,
            title_en=item.title_en,
            title_zh=item.title_zh,
            owner=item.owner,
            requires_document=item.requires_document,
            due_on=approved_on + dt.timedelta(days=item.due_after_days),
        )
        for item in template.tasks.all()
    )
    company = Company.objects.select_for_update().get(pk=application.company_id)
    company.status = CompanyStatus.ONBOARDING
    company.save(update_fields=["status", "updated_at"])  # saved, so the audit history records it
    notify_contacts(
        application=application, kind="onboarding:welcome", template="welcome", context={"plan": plan}, link="status"
    )
    if not plan.tasks.exists():
        _finish_if_complete(plan.pk)
    return plan


@transaction.atomic
def onboarding_task_complete(
    *, task: OnboardingTask, actor: Actor = None, upload=None, expires_on: dt.date | None = None
) -> OnboardingTask:
    """Mark a task done; a task that needs a document takes it here, under the application upload rules."""
    task = OnboardingTask.objects.select_for_update(of=("self",)).select_related("plan__company").get(pk=task.pk)
    if task.state != TaskState.PENDING:
        raise InvalidTransition(_("This task is already done or waived."))
    if task.requires_document:
        if upload is None:
            raise InvalidTransition(_("Upload the document to complete this task."), field="file")
        task.document = compliance_document_add(
            company=task.plan.company, kind=task.requires_document, upload=upload, expires_on=expires_on, actor=actor
        )
    task.state, task.completed_at = TaskState.DONE, timezone.now()
    task.completed_by, task.completed_by_email = actor_user(actor), actor_email(actor)
    task.save()
    _finish_if_complete(task.plan_id)
    return task


@transaction.atomic
def onboarding_task_waive(*, task: OnboardingTask, actor: Actor, reason: str) -> OnboardingTask:
    """Staff waive a task they judge unnecessary; the reason is kept."""
    if not reason.strip():
        raise InvalidTransition(_("Give a reason for waiving this task."), field="reason")
    task = OnboardingTask.objects.select_for_update().get(pk=task.pk)
    if task.state != TaskState.PENDING:
        raise InvalidTransition(_("This task is already done or waived."))
    task.state, task.completed_at, task.completed_by = TaskState.WAIVED, timezone.now(), actor_user(actor)
    task.waived_reason = reason.strip()
    task.save()
    _finish_if_complete(task.plan_id)
    return task


def compliance_document_add(
    *, company: Company, kind: str, upload, expires_on=None, actor: Actor = None
) -> ComplianceDocument:
    """Keep a compliance document of a company, checked under the application upload rules."""
    document = ComplianceDocument(company=company, kind=kind, expires_on=expires_on)
    document.store(upload, actor=actor)
    return document


def _finish_if_complete(plan_id: int) -> None:
    """When no task is pending any more, the company becomes a resident (once)."""
    plan = OnboardingPlan.objects.select_for_update(of=("self",)).select_related("company").get(pk=plan_id)
    if plan.completed_at is not None or plan.tasks.filter(state=TaskState.PENDING).exists():
        return
    now = timezone.now()
    plan.completed_at = now
    plan.save(update_fields=["completed_at"])
    company = Company.objects.select_for_update().get(pk=plan.company_id)
    company.status, company.resident_since = CompanyStatus.RESIDENT, timezone.localdate(now)
    company.save(update_fields=["status", "resident_since", "updated_at"])
    event_record(
        type="company.became_resident",
        key=f"company.became_resident:{plan.company_id}",
        payload={"company_id": plan.company_id, "campus_id": plan.campus_id, "application_id": plan.application_id},
        occurred_at=now,
    )


# --- Scheduled jobs -------------------------------------------------------------------------


#: What a reminder reads of its task, plan, application and company (their e-mail templates,
#: ``notification_compose``): an application and its company read whole are some 120 columns, and
#: a day's reminders may be thousands. A test counts the queries of many reminders against one.
REMINDER_READS = (
    "title_en",
    "title_zh",
    "owner",
    "due_on",
    "plan__campus",
    "plan__application__language",
    "plan__application__company__name",
)


def overdue_tasks_remind(today: dt.date | None = None) -> int:
    """Remind the owner of each overdue task, at most once per task per day."""
    today = today or timezone.localdate()
    due = OnboardingTask.objects.overdue(today).exclude(reminders__sent_on=today).order_by("pk")
    task_ids = list(due.values_list("pk", flat=True))
    return sum(
        _tasks_remind(task_ids[start : start + REMINDER_BATCH], today)
        for start in range(0, len(task_ids), REMINDER_BATCH)
    )


def _tasks_remind(task_ids: list[int], today: dt.date) -> int:
    """A batch of tasks: their e-mails composed first, then one transaction for their reminder rows
    of the day and their e-mails.

    A task whose e-mails cannot be composed is left out (and logged): it gets no reminder row, so
    the next run tries it again, and the others are reminded. The rows are inserted together; when
    a run at the same time reminded some of these tasks first, the unique row refuses the batch and
    each task is tried on its own, as before.
    """
    tasks = list(
        OnboardingTask.objects.overdue(today)
        .filter(pk__in=task_ids)
        .exclude(reminders__sent_on=today)
        .select_related("plan__application__company")
        .only(*REMINDER_READS)
        .prefetch_related("plan__campus", "plan__application__contacts")  # a campus loaded once, not per task
    )
    emails: dict[int, list[Notification]] = {}
    for task in tasks:
        try:
            emails[task.pk] = _reminder_emails(task)
        except Exception:
            logger.exception("Could not compose the reminder of onboarding task %s; tried again next run", task.pk)
    tasks = [task for task in tasks if task.pk in emails]
    with transaction.atomic():
        try:
            with transaction.atomic():
                OnboardingReminder.objects.bulk_create([OnboardingReminder(task=t, sent_on=today) for t in tasks])
        except IntegrityError:
            tasks = [t for t in tasks if _reminder_row(t, today)]
        notifications_write([email for task in tasks for email in emails[task.pk]])
    return len(tasks)


def _reminder_row(task: OnboardingTask, today: dt.date) -> bool:
    """The task's reminder of the day, unless another run wrote it: True when this one did."""
    try:
        with transaction.atomic():
            _reminder, created = OnboardingReminder.objects.get_or_create(task=task, sent_on=today)
    except IntegrityError:
        return False
    return created


def _reminder_emails(task: OnboardingTask) -> list[Notification]:
    reminder = {"kind": "onboarding:reminder", "template": "task_reminder", "context": {"task": task}}
    if task.owned_by_company:
        return contact_notifications(application=task.plan.application, **reminder)
    return staff_notifications(campus=task.plan.campus, application=task.plan.application, **reminder)


def overdue_tasks_escalate(now: dt.datetime | None = None) -> int:
    """Tell campus staff about tasks overdue for longer than ONBOARDING_ESCALATION_DAYS. Once per task."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - dt.timedelta(days=settings.ONBOARDING_ESCALATION_DAYS)
    escalated = 0
    candidates = OnboardingTask.objects.pending().filter(due_on__lt=cutoff, escalated_at__isnull=True)
    for task in candidates.select_related("plan__application__company", "plan__campus"):
        with transaction.atomic():
            if not OnboardingTask.objects.filter(pk=task.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            notify_staff(
                campus=task.plan.campus,
                application=task.plan.application,
                kind="onboarding:escalation",
                template="task_escalation",
                context={"task": task, "days": (timezone.localdate(now) - task.due_on).days},
            )
            escalated += 1
    return escalated


def _approved_application(company: Company) -> Application | None:
    """The company's latest approved application: its contacts speak for the resident."""
    return (
        company.applications.filter(status=ApplicationStatus.APPROVED)
        .prefetch_related("contacts")
        .order_by("-decided_at")
        .first()
    )


def compliance_documents_check(today: dt.date | None = None) -> dict[str, int]:
    """Remind companies before a document expires; tell staff once it has expired. Once each."""
    today = today or timezone.localdate()
    now = timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    soon = ComplianceDocument.objects.filter(
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=settings.COMPLIANCE_REMINDER_DAYS),
        reminded_at__isnull=True,
    )
    for document in soon.select_related("company"):
        with transaction.atomic():
            if not ComplianceDocument.objects.filter(pk=document.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            application = _approved_application(document.company)
            if application is not None:
                notify_contacts(
                    application=application,
                    kind="compliance:expiring",
                    template="compliance_expiring",
                    context={"document": document},
                )
            counts["reminded"] += 1
    expired = ComplianceDocument.objects.expired(today).filter(escalated_at__isnull=True)
    for document in expired.select_related("company__campus"):
        with transaction.atomic():
            if not ComplianceDocument.objects.filter(pk=document.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            notify_staff(
                campus=document.company.campus,
                company=document.company,
                kind="compliance:expired",
                template="compliance_expired",
                context={"document": document},
            )
            counts["escalated"] += 1
    return counts


def plans_for_board():
    """Every plan with its tasks, those with overdue tasks first, in a fixed number of queries."""
    return (
        OnboardingPlan.objects.select_related("company", "campus")
        .prefetch_related(Prefetch("tasks", queryset=OnboardingTask.objects.select_related("completed_by")))
        .with_task_counts()
        .order_by("-overdue", "completed_at", "approved_on")
    )
