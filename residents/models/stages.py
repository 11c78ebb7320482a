"""Platform stages as a stage gate: a campus's milestones per stage, the companies' reports of
them with evidence, and the recorded moves of a company from one stage to the next."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisory.models import AdvisoryMember
from campus.choices import PlatformStages
from campus.models import Campus
from common.storage import private_storage
from tenants.models import Company
from tenants.models.applications import PrivateDocument

from ..choices import STANDING_REPORTS, ReportState


def _private_storage():
    """The storage of evidence: common.storage.private_storage (migrations name this function)."""
    return private_storage


class StageMilestone(models.Model):
    """Something a company of a campus shows to pass a platform stage, e.g. "NMPA registration filed"."""

    campus = models.ForeignKey(
        Campus, on_delete=models.CASCADE, related_name="stage_milestones", verbose_name=_("campus")
    )
    stage = models.CharField(_("platform stage"), max_length=40, choices=PlatformStages.choices)
    # In English and Simplified Chinese (residents/translation.py): title_en, title_zh_hans, ...
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    required = models.BooleanField(
        _("required"), default=True, help_text=_("The company moves on only when every required milestone is accepted.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["campus", "stage", "position", "pk"]
        verbose_name = _("stage milestone")
        verbose_name_plural = _("stage milestones")
        constraints = [
            models.UniqueConstraint(fields=["campus", "stage", "title_en"], name="residents_milestone_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class MilestoneReportQuerySet(models.QuerySet):
    def waiting(self) -> MilestoneReportQuerySet:
        return self.filter(state=ReportState.SUBMITTED)


class MilestoneReport(models.Model):
    """A company's claim that it reached a milestone, and the review of it.

    Decided once: accepted, or sent back with a reason, after which the company reports again in
    a new report (the old one stays as the record of the send-back).
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="milestone_reports", verbose_name=_("company")
    )
    milestone = models.ForeignKey(
        StageMilestone, on_delete=models.PROTECT, related_name="reports", verbose_name=_("milestone")
    )
    state = models.CharField(_("state"), max_length=20, choices=ReportState.choices, default=ReportState.SUBMITTED)
    note = models.TextField(_("note"), max_length=4000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reviewer = models.ForeignKey(
        AdvisoryMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone_reports",
        verbose_name=_("advisory member reviewing"),
    )
    reviewer_named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer named by"),
    )
    reviewer_named_at = models.DateTimeField(_("reviewer named at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason or comment"), blank=True, max_length=4000)

    objects = MilestoneReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")
        indexes = [models.Index(fields=["state", "reported_at"], name="residents_report_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "milestone"],
                condition=Q(state__in=sorted(STANDING_REPORTS)),
                name="residents_one_standing_report",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReportState.SENT_BACK) | ~Q(reason=""),
                name="residents_sent_back_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.company}"

    @property
    def is_waiting(self) -> bool:
        return self.state == ReportState.SUBMITTED


def _evidence_path(instance: MilestoneEvidence, filename: str) -> str:
    return f"milestones/{instance.report.company.slug}/{uuid.uuid4().hex}{instance.extension}"


class MilestoneEvidence(PrivateDocument):
    """The file a report brings as evidence; read by the company's people, staff and the named reviewer."""

    report = models.OneToOneField(
        MilestoneReport, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("report")
    )
    file = models.FileField(_("file"), upload_to=_evidence_path, storage=_private_storage, max_length=255)

    class Meta:
        verbose_name = _("milestone evidence")
        verbose_name_plural = _("milestone evidence")

    def __str__(self) -> str:
        return self.original_name

    def get_download_url(self) -> str:
        return reverse("residents:milestone_evidence", kwargs={"pk": self.pk})


class StageTransition(models.Model):
    """One move of a company from one platform stage to the next: who, when, from, to and why."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="stage_transitions", verbose_name=_("company")
    )
    from_stage = models.CharField(_("from"), max_length=40, choices=PlatformStages.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=40, choices=PlatformStages.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by staff member"),
    )
    reason = models.TextField(_("reason"), blank=True, max_length=4000)
    override_reason = models.TextField(
        _("reason for moving without every required milestone accepted"), blank=True, max_length=4000
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        indexes = [models.Index(fields=["company", "created_at"], name="residents_transition_company")]

    def __str__(self) -> str:
        return f"{self.company}: {self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"
