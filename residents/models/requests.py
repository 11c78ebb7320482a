"""Service requests: what a resident company asks of the campus, the campus's targets, and every step.

A request is held to two targets counted in working hours (``residents.working_hours``): a first
response and a resolution. Each campus may set its own per category (``ServiceTarget``); a
category it has not set uses ``DEFAULT_TARGET_HOURS``. The hours are copied onto the request when
it is raised, so a target changed later neither moves a request in hand nor its figures.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campus.models import Campus
from common.history import history_user
from common.storage import private_storage
from tenants.models import Company
from tenants.models.applications import PrivateDocument

from ..choices import CLOCK_RUNNING, INTERNAL_EVENTS, OPEN_REQUESTS, RequestCategory, RequestEventKind, RequestState

#: (first response, resolution) in working hours, for a category a campus has set no target for.
DEFAULT_TARGET_HOURS: dict[str, tuple[int, int]] = {
    RequestCategory.FACILITIES: (4, 24),
    RequestCategory.IT: (4, 16),
    RequestCategory.ACCESS_CARDS: (4, 9),
    RequestCategory.EHS: (1, 9),
    RequestCategory.OTHER: (8, 45),
}


class ServiceTargetQuerySet(models.QuerySet):
    def hours_for(self, campus_id: int, category: str) -> tuple[int, int]:
        """The campus's (response, resolution) hours for ``category``, or the defaults."""
        row = self.filter(campus_id=campus_id, category=category).values_list("response_hours", "resolution_hours")
        return row.first() or DEFAULT_TARGET_HOURS[category]

    def table(self, campus_id: int) -> dict[str, tuple[int, int]]:
        """Every category's (response, resolution) hours at the campus, in one query."""
        rows = self.filter(campus_id=campus_id).values_list("category", "response_hours", "resolution_hours")
        return {**DEFAULT_TARGET_HOURS, **{category: (response, resolution) for category, response, resolution in rows}}


class ServiceTarget(models.Model):
    """How soon a campus answers and resolves requests of one category, in working hours."""

    campus = models.ForeignKey(
        Campus, on_delete=models.CASCADE, related_name="service_targets", verbose_name=_("campus")
    )
    category = models.CharField(_("category"), max_length=20, choices=RequestCategory.choices)
    response_hours = models.PositiveSmallIntegerField(
        _("first response within (working hours)"), validators=[MinValueValidator(1)]
    )
    resolution_hours = models.PositiveSmallIntegerField(
        _("resolution within (working hours)"), validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords(get_user=history_user)

    objects = ServiceTargetQuerySet.as_manager()

    class Meta:
        ordering = ["campus", "category"]
        verbose_name = _("service request target")
        verbose_name_plural = _("service request targets")
        constraints = [
            models.UniqueConstraint(fields=["campus", "category"], name="residents_one_target_per_category"),
            models.CheckConstraint(
                condition=Q(response_hours__gte=1) & Q(resolution_hours__gte=F("response_hours")),
                name="residents_target_resolution_after_response",
                violation_error_message=_("Resolution cannot be due before the first response."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campus}: {self.get_category_display()} ({self.response_hours} h / {self.resolution_hours} h)"


class ServiceRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_REQUESTS)

    def overdue(self, now: dt.datetime | None = None):
        """Past a target the campus still owes: no first response yet, or not resolved while its clock runs."""
        now = now or timezone.now()
        return self.filter(self.response_overdue_q(now) | self.resolution_overdue_q(now))

    @staticmethod
    def response_overdue_q(now: dt.datetime) -> Q:
        return Q(first_response_at__isnull=True, state__in=OPEN_REQUESTS, response_due_at__lt=now)

    @staticmethod
    def resolution_overdue_q(now: dt.datetime) -> Q:
        return Q(state__in=CLOCK_RUNNING, resolution_due_at__lt=now)

    def for_list(self):
        return self.select_related("company", "campus", "assignee", "raised_by")


class ServiceRequest(models.Model):
    """A request of a resident company to its campus (facilities, IT, access cards, EHS, other)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="service_requests", verbose_name=_("company")
    )
    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("campus")
    )
    category = models.CharField(_("category"), max_length=20, choices=RequestCategory.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices, default=RequestState.NEW)
    language = models.CharField(_("language"), max_length=10, default="en")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_service_requests",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last activity"), default=timezone.now)
    response_target_hours = models.PositiveSmallIntegerField(_("first response target (working hours)"))
    resolution_target_hours = models.PositiveSmallIntegerField(_("resolution target (working hours)"))
    response_due_at = models.DateTimeField(_("first response due"))
    resolution_due_at = models.DateTimeField(_("resolution due"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # While the request waits for the company or stands resolved, the resolution clock stops:
    # since when, and the working hours it has stood still so far (they push the due time back).
    paused_since = models.DateTimeField(_("clock stopped since"), null=True, blank=True)
    paused_hours = models.FloatField(_("working hours the clock stood still"), default=0)
    response_escalated_at = models.DateTimeField(_("first response escalated at"), null=True, blank=True)
    resolution_escalated_at = models.DateTimeField(_("resolution escalated at"), null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["state", "campus"], name="residents_request_queue"),
            models.Index(fields=["company", "-created_at"], name="residents_request_company"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("residents:request_detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"SR-{self.pk:05d}" if self.pk else "SR-new"

    def get_staff_url(self) -> str:
        return reverse("residents:staff_request", kwargs={"pk": self.pk})

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        late_response = self.first_response_at is None and self.state in OPEN_REQUESTS and self.response_due_at < now
        return late_response or (self.state in CLOCK_RUNNING and self.resolution_due_at < now)

    def reopen_until(self) -> dt.datetime | None:
        """Until when the company may reopen it (resolved requests only)."""
        if self.state != RequestState.RESOLVED or self.resolved_at is None:
            return None
        return self.resolved_at + dt.timedelta(days=settings.SERVICE_REQUEST_REOPEN_DAYS)


class ServiceRequestEventQuerySet(models.QuerySet):
    def public(self):
        """What the company may see: never internal notes, assignments or escalations."""
        return self.filter(internal=False)


class ServiceRequestEvent(models.Model):
    """One step of a request: raised, a reply, an internal note, a change of state, an assignment, an escalation."""

    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("service request")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequestEventKind.choices)
    internal = models.BooleanField(_("internal"), default=False, help_text=_("Seen by campus staff only."))
    by_company = models.BooleanField(_("by the company"), default=False)
    from_state = models.CharField(_("from"), max_length=20, choices=RequestState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=RequestState.choices, blank=True)
    body = models.TextField(_("text"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = ServiceRequestEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("service request event")
        verbose_name_plural = _("service request history")
        constraints = [
            # Internal kinds can never be written as public by mistake.
            models.CheckConstraint(
                condition=~Q(kind__in=INTERNAL_EVENTS) | Q(internal=True),
                name="residents_internal_events_stay_internal",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == RequestEventKind.STATE:
            return f"{self.get_from_state_display()} → {self.get_to_state_display()}"
        return self.get_kind_display()

    @property
    def actor_display(self) -> str:
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.email or self.actor.get_username()
        return str(_("the portal"))


def _private_storage():
    """The storage of attachments: common.storage.private_storage (migrations name this function)."""
    return private_storage


def _attachment_path(instance: ServiceRequestAttachment, filename: str) -> str:
    # The stored name is ours; the uploaded name is kept only as metadata.
    return f"service-requests/{instance.service_request_id}/{uuid.uuid4().hex}{instance.extension}"


class ServiceRequestAttachment(PrivateDocument):
    """A file the company or staff attached to a request or a reply (the upload rules apply)."""

    service_request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("service request")
    )
    event = models.ForeignKey(
        ServiceRequestEvent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("with"),
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, storage=_private_storage, max_length=255)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("service request attachment")
        verbose_name_plural = _("service request attachments")

    def __str__(self) -> str:
        return self.original_name
