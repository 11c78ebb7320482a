"""Announcements staff write to a campus, a building or chosen companies, and who has read them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campus.models import Allocation, Building, Campus
from campus.models.lookups import chinese_requested
from tenants.choices import ON_CAMPUS
from tenants.models import Company, Notification

from ..choices import AnnouncementAudience

Audience = AnnouncementAudience


class AnnouncementQuerySet(models.QuerySet):
    def current(self, now: dt.datetime | None = None) -> AnnouncementQuerySet:
        """Published by ``now`` and not ended: what residents see."""
        now = now or timezone.now()
        return self.filter(published_at__lte=now).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate(now))
        )

    def due_unsent(self, now: dt.datetime | None = None) -> AnnouncementQuerySet:
        """Current and not e-mailed yet: published a moment ago, or at a time set in advance."""
        return self.current(now).filter(emailed_at__isnull=True)

    def addressed_to(self, company: Company, today: dt.date | None = None) -> AnnouncementQuerySet:
        """Those whose audience holds ``company`` today (the rule ``Announcement.companies_reached`` follows)."""
        today = today or timezone.localdate()
        buildings = Allocation.objects.active_on(today).filter(company=company).values("space__building_id")
        chosen = Announcement.companies.through.objects.filter(company=company).values("announcement_id")
        reached = Q(audience=Audience.BUILDING, building_id__in=buildings) | Q(
            audience=Audience.COMPANIES, pk__in=chosen
        )
        if company.status in ON_CAMPUS:
            reached |= Q(audience=Audience.CAMPUS, campus_id=company.campus_id)
        return self.filter(reached)

    def for_reader(self, membership) -> AnnouncementQuerySet:
        """What a person of a company sees, pinned first, then the newest, each with ``read_at`` (theirs)."""
        receipt = AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"), user=membership.user_id)
        return (
            self.current()
            .addressed_to(membership.company)
            .annotate(read_at=Subquery(receipt.values("read_at")[:1]))
            .order_by("-pinned", "-published_at", "-pk")
        )


class Announcement(models.Model):
    """News from the campus in English and Chinese, for a campus, one building or chosen companies.

    A draft until ``published_at``; from then residents of its audience see it (until ``ends_on``)
    and each of their people is e-mailed once (``emailed_at`` says the e-mails were written).
    """

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="announcements", verbose_name=_("campus"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.CAMPUS)
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("building"),
        help_text=_("For one building: the companies with a current allocation in it."),
    )
    companies = models.ManyToManyField(
        Company,
        blank=True,
        related_name="announcements",
        verbose_name=_("companies"),
        help_text=_("For chosen companies of the campus."),
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Simplified Chinese)"), max_length=200)
    body_en = models.TextField(_("text (English)"), max_length=10000)
    body_zh = models.TextField(_("text (Simplified Chinese)"), max_length=10000)
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Shown above the others."))
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("From when residents see it and it is e-mailed to them. Empty: a draft."),
    )
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("The last day residents see it. Empty: no end.")
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("written by"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("published by"),
    )
    history = HistoricalRecords(m2m_fields=[companies])

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["campus", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience=Audience.BUILDING, building__isnull=False)
                | (~Q(audience=Audience.BUILDING) & Q(building__isnull=True)),
                name="residents_announcement_building_for_building_audience",
                violation_error_message=_("Choose the building for an announcement to one building, and only then."),
            )
        ]

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return self.title_zh if chinese_requested() and self.title_zh else self.title_en

    @property
    def body(self) -> str:
        return self.body_zh if chinese_requested() and self.body_zh else self.body_en

    def clean(self) -> None:
        errors = {}
        if self.audience == Audience.BUILDING and self.building_id is None:
            errors["building"] = _("Choose the building.")
        elif self.audience != Audience.BUILDING and self.building_id is not None:
            errors["building"] = _("A building is chosen only for an announcement to one building.")
        elif self.building_id is not None and self.campus_id and self.building.campus_id != self.campus_id:
            errors["building"] = _("The building is on another campus.")
        if self.ends_on and self.published_at and self.ends_on < timezone.localdate(self.published_at):
            errors["ends_on"] = _("The end comes before the publication.")
        if errors:
            raise ValidationError(errors)

    def companies_reached(self, today: dt.date | None = None) -> models.QuerySet[Company]:
        """The companies in the audience today (the rule ``AnnouncementQuerySet.addressed_to`` follows)."""
        if self.audience == Audience.COMPANIES:
            return self.companies.all()
        if self.audience == Audience.BUILDING:
            allocations = Allocation.objects.active_on(today or timezone.localdate())
            return Company.objects.filter(pk__in=allocations.filter(space__building=self.building_id).values("company"))
        return Company.objects.filter(campus=self.campus_id, status__in=ON_CAMPUS)

    def is_current(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.published_at is not None
            and self.published_at <= now
            and (self.ends_on is None or self.ends_on >= timezone.localdate(now))
        )


class AnnouncementReceipt(models.Model):
    """One person and one announcement: e-mailed once, and when they first opened it in /my/."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("announcement")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="announcement_receipts",
        verbose_name=_("person"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="announcement_receipts", verbose_name=_("company")
    )
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mail"),
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["announcement", "company__name", "user__email"]
        verbose_name = _("announcement receipt")
        verbose_name_plural = _("announcement receipts")
        constraints = [
            # Once per person: a send job that runs twice, or a second tab, adds no row.
            models.UniqueConstraint(fields=["announcement", "user"], name="residents_one_receipt_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.announcement}"
