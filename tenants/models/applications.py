"""Companies' applications to a campus, and the records kept about them.

Invariants live here; workflows (submitting, moving an application) live in ``services/applications.py``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from calendar import monthrange

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campus.choices import BiosafetyLevel, CleanRoomClass, PlatformStages, SpaceKind
from campus.models import Campus, Gas
from common.actors import Actor, actor_label
from common.history import history_user
from common.storage import private_storage
from common.uploads import check_upload

from ..choices import DECISIONS, IN_REVIEW, UNDECIDED, ApplicationStatus, DocumentKind
from .companies import Company, IntakeBatch

# --- Applications ---------------------------------------------------------------------


class ApplicationQuerySet(models.QuerySet):
    def undecided(self) -> ApplicationQuerySet:
        return self.filter(status__in=UNDECIDED)


class Application(models.Model):
    """A company's application to a campus, from the first saved step to the decision."""

    # What the applicant states about the space and platform it needs (one step of the form).
    NEEDS_FIELDS = (
        "platform_stage",
        "space_kind",
        "space_area_m2",
        "space_from",
        "space_months",
        "biosafety_level",
        "cleanroom_class",
        "fume_hoods",
        "needs_cold_room",
        "gases",
    )

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="applications", verbose_name=_("campus"))
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="applications", verbose_name=_("company")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    language = models.CharField(_("language of the applicant"), max_length=10, default="en")
    intake_batch = models.ForeignKey(
        IntakeBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("intake batch"),
    )
    completed_steps = models.JSONField(_("completed steps"), default=list, blank=True)

    # What the company wants from the campus.
    platform_stage = models.CharField(
        _("platform stage wanted"), max_length=40, choices=PlatformStages.choices, blank=True
    )
    space_kind = models.CharField(_("kind of space"), max_length=30, choices=SpaceKind.choices, blank=True)
    space_area_m2 = models.DecimalField(
        _("area needed (m²)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
    )
    space_from = models.DateField(_("needed from"), null=True, blank=True)
    space_months = models.PositiveSmallIntegerField(
        _("needed for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Leave empty if you cannot say yet."),
    )
    biosafety_level = models.CharField(_("biosafety level"), max_length=10, choices=BiosafetyLevel.choices, blank=True)
    cleanroom_class = models.CharField(_("clean-room class"), max_length=10, choices=CleanRoomClass.choices, blank=True)
    fume_hoods = models.PositiveSmallIntegerField(_("fume hoods"), default=0, validators=[MaxValueValidator(100)])
    needs_cold_room = models.BooleanField(_("cold room"), default=False)
    gases = models.ManyToManyField(Gas, verbose_name=_("gas supplies"), blank=True, related_name="applications")

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # When the application ended: approved, rejected or withdrawn (``ENDED``), set by application_transition.
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    draft_reminded_at = models.DateTimeField(_("draft reminder sent at"), null=True, blank=True)
    is_demo = models.BooleanField(_("illustrative demo data"), default=False)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="tenants_app_status_submitted"),
            # The admin list's order (Meta.ordering, then -pk), read from an index at any size.
            models.Index(fields=["-submitted_at", "-created_at", "-id"], name="tenants_app_list_order"),
            # The staff dashboard: a campus's applications submitted, or decided, in a period.
            models.Index(fields=["campus", "submitted_at"], name="tenants_app_campus_submitted"),
            models.Index(fields=["campus", "decided_at"], name="tenants_app_campus_decided"),
            # The same order within one campus (the list's campus filter).
            models.Index(fields=["campus", "-submitted_at", "-created_at", "-id"], name="tenants_app_campus_order"),
        ]

    def __str__(self) -> str:
        # Translated now (a lazy string would be made and resolved again for every row of a list).
        return gettext("Application of %(company)s") % {"company": self.company.name}

    @property
    def is_editable(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def is_decided(self) -> bool:
        return self.status in DECISIONS

    @property
    def awaits_decision(self) -> bool:
        """Submitted and in staff's or the committee's hands: the only time reviews may still be needed."""
        return self.status in IN_REVIEW

    @property
    def can_withdraw(self) -> bool:
        return self.status in UNDECIDED

    @property
    def primary_contact(self) -> ApplicationContact | None:
        contacts = list(self.contacts.all())
        return next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)

    def space_needed_on(self) -> dt.date:
        return self.space_from or timezone.localdate()

    def space_needed_until(self) -> dt.date | None:
        """The last day of the period asked for, or None (an open end) when no duration was given."""
        if not self.space_months:
            return None
        start = self.space_needed_on()
        years, month0 = divmod(start.month - 1 + self.space_months, 12)
        year, month = start.year + years, month0 + 1
        return start.replace(year=year, month=month, day=min(start.day, monthrange(year, month)[1])) - dt.timedelta(
            days=1
        )


class ApplicationContact(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("application")
    )
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(is_primary=True), name="tenants_contact_one_primary"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def _private_storage():
    """The storage of documents: common.storage.private_storage (migrations name this function)."""
    return private_storage


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    # The stored name is ours; the uploaded name is kept only as metadata.
    return f"applications/{instance.application.reference}/{uuid.uuid4().hex}{instance.extension}"


class PrivateDocument(models.Model):
    """A checked upload kept in private storage; subclasses define ``file`` with their own path."""

    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(_("extension"), max_length=10)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.EmailField(_("uploaded by"), blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def store(self, upload, *, actor: Actor = None) -> None:
        """Check ``upload`` (size, type by content), record what it is and who gave it, and save it under our name."""
        checked = check_upload(upload)
        self.original_name, self.content_type = checked.original_name, checked.content_type
        self.extension, self.size, self.uploaded_by = checked.extension, checked.size, actor_label(actor)
        self.file.save(checked.original_name, upload, save=False)
        self.save()


class ApplicationDocument(PrivateDocument):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=_document_path, storage=_private_storage, max_length=255)

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_download_url(self) -> str:
        return reverse("tenants:document_download", kwargs={"pk": self.pk})


class ApplicationTransition(models.Model):
    """One move of an application between states: who, when, from, to and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("application")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by staff member"),
    )
    actor_email = models.EmailField(_("by applicant"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    override_reason = models.TextField(_("reason for deciding without the required reviews"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        # Whether an application ever reached a status (the dashboard's funnel), from the index alone.
        indexes = [models.Index(fields=["application", "to_status"], name="tenants_apptransition_reached")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"

    @property
    def actor_display(self) -> str:
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        return self.actor_email or _("the portal")


class ApplicationEdit(models.Model):
    """Who changed which fields of a draft, step by step."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="edits", verbose_name=_("application")
    )
    step = models.CharField(_("step"), max_length=30)
    editor_email = models.EmailField(_("editor"), blank=True)
    fields = models.JSONField(_("changed fields"), default=list)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("draft change")
        verbose_name_plural = _("draft changes")

    def __str__(self) -> str:
        return f"{self.step}: {', '.join(self.fields)}"


class AccessLink(models.Model):
    """A single-use, expiring link that lets one e-mail address into one application.

    Only a SHA-256 hash of the token is stored; the token itself exists only in the e-mail.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="access_links", verbose_name=_("application")
    )
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access link")
        verbose_name_plural = _("access links")

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d})"
