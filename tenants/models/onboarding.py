"""Onboarding an approved company: templates, plans and their tasks, compliance documents, events."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campus.models import Campus, chinese_requested

from ..choices import ComplianceKind, TaskOwner, TaskState
from .applications import Application, PrivateDocument, _private_storage
from .companies import Company


class OnboardingTemplate(models.Model):
    """The tasks every approved company of a campus goes through."""

    campus = models.OneToOneField(
        Campus, on_delete=models.CASCADE, related_name="onboarding_template", verbose_name=_("campus")
    )
    name = models.CharField(_("name"), max_length=120, default=_("Standard onboarding"))

    class Meta:
        verbose_name = _("onboarding template")
        verbose_name_plural = _("onboarding templates")

    def __str__(self) -> str:
        return f"{self.name} ({self.campus})"


class TaskDefinition(models.Model):
    """What a task is: shared by template tasks and the plan tasks copied from them."""

    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Simplified Chinese)"), max_length=200)
    owner = models.CharField(_("owner"), max_length=30, choices=TaskOwner.choices)
    requires_document = models.CharField(
        _("document required"),
        max_length=40,
        choices=ComplianceKind.choices,
        blank=True,
        help_text=_("The kind of document the owner must upload to complete the task, if any."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_zh if chinese_requested() and self.title_zh else self.title_en

    @property
    def owned_by_company(self) -> bool:
        return self.owner == TaskOwner.COMPANY


class OnboardingTemplateTask(TaskDefinition):
    template = models.ForeignKey(
        OnboardingTemplate, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("template")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    due_after_days = models.PositiveSmallIntegerField(_("due after (days from approval)"), default=14)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("template task")
        verbose_name_plural = _("template tasks")


class OnboardingPlanQuerySet(models.QuerySet):
    def with_task_counts(self, today: dt.date | None = None) -> OnboardingPlanQuerySet:
        """Annotate ``pending`` and ``overdue`` (pending past their due day): the counts of each plan's tasks."""
        pending = Q(tasks__state=TaskState.PENDING)
        return self.annotate(
            pending=Count("tasks", filter=pending),
            overdue=Count("tasks", filter=pending & Q(tasks__due_on__lt=today or timezone.localdate())),
        )


class OnboardingPlan(models.Model):
    """The onboarding of one approved application; there is never more than one."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="onboarding_plan", verbose_name=_("application")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="onboarding_plans", verbose_name=_("company")
    )
    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="onboarding_plans", verbose_name=_("campus")
    )
    approved_on = models.DateField(_("approved on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = OnboardingPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_on", "-pk"]
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")

    def __str__(self) -> str:
        return _("Onboarding of %(company)s") % {"company": self.company}


class OnboardingTaskQuerySet(models.QuerySet):
    def pending(self) -> OnboardingTaskQuerySet:
        return self.filter(state=TaskState.PENDING)

    def overdue(self, today: dt.date | None = None) -> OnboardingTaskQuerySet:
        return self.pending().filter(due_on__lt=today or timezone.localdate())


class OnboardingTask(TaskDefinition):
    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.PENDING)
    completed_at = models.DateTimeField(_("completed or waived at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by staff member"),
    )
    completed_by_email = models.EmailField(_("by the company"), blank=True)
    waived_reason = models.TextField(_("reason for waiving"), blank=True)
    document = models.ForeignKey(
        "ComplianceDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("document"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = OnboardingTaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("onboarding task")
        verbose_name_plural = _("onboarding tasks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=TaskState.WAIVED) | ~Q(waived_reason=""),
                name="tenants_task_waived_has_reason",
            )
        ]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.state == TaskState.PENDING and self.due_on < (today or timezone.localdate())


class OnboardingReminder(models.Model):
    """One reminder of one task on one day; the unique pair keeps it to one a day."""

    task = models.ForeignKey(OnboardingTask, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("task"))
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["task", "sent_on"], name="tenants_reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.task} · {self.sent_on}"


def _compliance_path(instance: ComplianceDocument, filename: str) -> str:
    return f"compliance/{instance.company.slug}/{uuid.uuid4().hex}{instance.extension}"


class ComplianceDocumentQuerySet(models.QuerySet):
    def expired(self, today: dt.date | None = None) -> ComplianceDocumentQuerySet:
        return self.filter(expires_on__lt=today or timezone.localdate())


class ComplianceDocument(PrivateDocument):
    """A resident's document the campus must keep current, e.g. its insurance certificate."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="compliance_documents", verbose_name=_("company")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=ComplianceKind.choices)
    file = models.FileField(_("file"), upload_to=_compliance_path, storage=_private_storage, max_length=255)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("expiry escalated at"), null=True, blank=True)

    objects = ComplianceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["company", "kind", "-uploaded_at"]
        verbose_name = _("compliance document")
        verbose_name_plural = _("compliance documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_download_url(self) -> str:
        return reverse("tenants:compliance_download", kwargs={"pk": self.pk})

    def is_expired(self, today: dt.date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())
