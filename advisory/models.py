"""The advisory committee of a campus, its members, and their reviews of applications."""

from __future__ import annotations

import datetime as dt
import statistics

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campus.models import Campus
from common.history import history_user
from tenants.models import Application

from .choices import ConsultationStatus, Origin, Recommendation, Sector

#: Days a member has for a review once assigned; after that the review is overdue.
REVIEW_DAYS = 14

CRITERIA = ("innovation", "team", "market_potential", "disease_management_fit", "international_synergy")


class AdvisoryCommittee(models.Model):
    campus = models.OneToOneField(
        Campus, on_delete=models.CASCADE, related_name="advisory_committee", verbose_name=_("campus")
    )
    name = models.CharField(_("name"), max_length=200, default=_("Advisory committee"))
    blind_reviews = models.BooleanField(
        _("blind reviews"),
        default=False,
        help_text=_("Reviewers then see no company name, contacts, website or document file names."),
    )

    class Meta:
        verbose_name = _("advisory committee")
        verbose_name_plural = _("advisory committees")

    def __str__(self) -> str:
        return f"{self.name} · {self.campus}"


class MemberQuerySet(models.QuerySet):
    def serving(self, on: dt.date | None = None) -> MemberQuerySet:
        on = on or timezone.localdate()
        return self.filter(term_starts_on__lte=on).filter(Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=on))


class AdvisoryMember(models.Model):
    committee = models.ForeignKey(
        AdvisoryCommittee, on_delete=models.CASCADE, related_name="members", verbose_name=_("committee")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisory_member",
        verbose_name=_("user account"),
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    origin = models.CharField(_("domestic or overseas"), max_length=20, choices=Origin.choices)
    expertise = models.TextField(_("expertise"), blank=True)
    term_starts_on = models.DateField(_("term starts on"))
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    is_listed = models.BooleanField(_("listed publicly"), default=False)
    is_demo = models.BooleanField(_("illustrative demo data"), default=False)

    objects = MemberQuerySet.as_manager()

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["committee", "name"]
        verbose_name = _("advisory member")
        verbose_name_plural = _("advisory members")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=models.F("term_starts_on")),
                name="advisory_member_term_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def is_serving(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.term_starts_on <= on and (self.term_ends_on is None or self.term_ends_on >= on)


def review_overdue_since(now: dt.datetime | None = None) -> dt.datetime:
    """A review assigned before this instant and still pending is overdue: REVIEW_DAYS days ago."""
    return (now or timezone.now()) - dt.timedelta(days=REVIEW_DAYS)


class ReviewQuerySet(models.QuerySet):
    def completed(self) -> ReviewQuerySet:
        return self.filter(submitted_at__isnull=False, has_conflict=False)

    def pending(self) -> ReviewQuerySet:
        """Reviews still owed: not submitted, and no conflict declared (a member with one steps aside)."""
        return self.filter(submitted_at__isnull=True).exclude(has_conflict=True)

    def overdue(self, now: dt.datetime | None = None) -> ReviewQuerySet:
        """Pending reviews assigned before :func:`review_overdue_since`."""
        return self.pending().filter(assigned_at__lt=review_overdue_since(now))


class Review(models.Model):
    """One member's review of one application: a conflict declaration first, then scores."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    member = models.ForeignKey(
        AdvisoryMember, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("member")
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    has_conflict = models.BooleanField(_("conflict of interest declared"), null=True, blank=True)
    conflict_note = models.TextField(_("about the conflict"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    innovation = models.PositiveSmallIntegerField(
        _("innovation"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    team = models.PositiveSmallIntegerField(
        _("team"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    market_potential = models.PositiveSmallIntegerField(
        _("market potential"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    disease_management_fit = models.PositiveSmallIntegerField(
        _("fit with the campus's disease-management focus"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    international_synergy = models.PositiveSmallIntegerField(
        _("international synergy"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    recommendation = models.CharField(_("recommendation"), max_length=30, choices=Recommendation.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    share_comment = models.BooleanField(
        _("share the comment with the applicant"), default=False, help_text=_("Staff decide; shown on the status page.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="advisory_review_once_per_member"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{c}__isnull": True}) | Q(**{f"{c}__gte": 1, f"{c}__lte": 5}),
                    name=f"advisory_review_{c}_1_to_5",
                )
                for c in CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.member.name} → {self.application}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def scores(self) -> dict[str, int | None]:
        return {criterion: getattr(self, criterion) for criterion in CRITERIA}

    @property
    def mean_score(self) -> float | None:
        values = [v for v in self.scores.values() if v is not None]
        return statistics.fmean(values) if values else None


class Meeting(models.Model):
    committee = models.ForeignKey(
        AdvisoryCommittee, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("committee")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    applications = models.ManyToManyField(
        Application, verbose_name=_("applications on the agenda"), blank=True, related_name="meetings"
    )
    minutes = models.TextField(_("minutes"), blank=True)
    invitees = models.ManyToManyField(AdvisoryMember, verbose_name=_("invited"), related_name="meetings", blank=True)
    attendees = models.ManyToManyField(AdvisoryMember, verbose_name=_("attended"), related_name="+", blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class Consultation(models.Model):
    """A company asks the committee for counsel; staff assign a member, who logs the sessions."""

    company = models.ForeignKey(
        "tenants.Company", on_delete=models.CASCADE, related_name="consultations", verbose_name=_("company")
    )
    topic = models.CharField(_("topic"), max_length=200)
    question = models.TextField(_("question"), max_length=5000)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.EmailField(_("requested by"), blank=True)
    member = models.ForeignKey(
        AdvisoryMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("member"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.REQUESTED
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.company}: {self.topic}"


class ConsultationSession(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("consultation")
    )
    held_on = models.DateField(_("held on"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), validators=[MinValueValidator(5)])
    notes = models.TextField(_("notes (internal)"), blank=True)
    notes_for_company = models.TextField(_("outcome notes for the company"), blank=True)
    logged_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("consultation session")
        verbose_name_plural = _("consultation sessions")

    def __str__(self) -> str:
        return f"{self.consultation} · {self.held_on}"
