"""Bookable resources (meeting rooms, shared lab equipment), who is trained on them, and bookings.

Times are stored in UTC and shown in the campus's time zone (``Campus.time_zone``); opening hours
are wall-clock times of that zone. Two live bookings of one resource never overlap: a booking's
service locks the resource row and looks, and on PostgreSQL an exclusion constraint on the time
range (migration ``0010_bookings``) refuses every writer; SQLite serialises writes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campus.models import Campus, Space
from campus.models.lookups import chinese_requested
from common.history import history_user
from tenants.models import Company

from ..choices import BookingStatus, ResourceKind

LIVE_BOOKINGS = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)
#: No booking is longer: week views look this far back for bookings running into the week.
LONGEST = dt.timedelta(days=7)
PRICE = {"max_digits": 10, "decimal_places": 2}


class ResourceQuerySet(models.QuerySet):
    def bookable(self) -> ResourceQuerySet:
        return self.filter(is_active=True)


class Resource(models.Model):
    """A meeting room (linked to its space) or an instrument, booked by the slot."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="resources", verbose_name=_("campus"))
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    space = models.ForeignKey(
        Space,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("space"),
        help_text=_("The room itself, or where the instrument stands."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True, help_text=_("E.g. Core facility, level 2."))
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="resources/", blank=True)
    capacity = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("Bookings start and end on these steps from the opening time."),
    )
    min_minutes = models.PositiveSmallIntegerField(_("shortest booking (minutes)"), default=30)
    max_minutes = models.PositiveIntegerField(
        _("longest booking (minutes)"),
        default=240,
        validators=[MaxValueValidator(int(LONGEST.total_seconds() // 60))],
        help_text=_("At most a week (10080 minutes)."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("bookable ahead (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancellation cut-off (hours)"),
        default=24,
        help_text=_("Residents may move or cancel a booking until this many hours before it starts."),
    )
    approval_required = models.BooleanField(
        _("staff approve each booking"), default=False, help_text=_("Bookings wait as requested until staff confirm.")
    )
    price_per_hour = models.DecimalField(
        _("price per hour (CNY)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Charged to residents on their next invoice; 0 is free."),
        **PRICE,
    )
    tax_percent = models.DecimalField(
        _("tax (%)"), max_digits=5, decimal_places=2, default=Decimal("6"), validators=[MinValueValidator(0)]
    )
    training_required = models.BooleanField(
        _("training required"), default=False, help_text=_("Only people staff recorded as trained may book it.")
    )
    is_active = models.BooleanField(_("bookable"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ResourceQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["campus__name", "kind", "name"]
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")
        constraints = [
            models.UniqueConstraint(fields=["campus", "name"], name="residents_resource_unique_name"),
            models.CheckConstraint(
                condition=Q(max_minutes__gte=F("min_minutes")),
                name="residents_resource_durations_ordered",
                violation_error_message=_("The longest booking cannot be shorter than the shortest."),
            ),
            models.CheckConstraint(condition=Q(price_per_hour__gte=0), name="residents_resource_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("residents:resource", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        if chinese_requested() and self.name_zh:
            return self.name_zh
        return self.name

    @property
    def display_description(self) -> str:
        if chinese_requested() and self.description_zh:
            return self.description_zh
        return self.description

    @property
    def is_chargeable(self) -> bool:
        return self.price_per_hour > 0

    def clean(self) -> None:
        errors = {}
        if self.min_minutes and self.slot_minutes and self.min_minutes % self.slot_minutes:
            errors["min_minutes"] = _("Use a whole number of slots (%(slot)s minutes each).") % {
                "slot": self.slot_minutes
            }
        if self.max_minutes and self.slot_minutes and self.max_minutes % self.slot_minutes:
            errors["max_minutes"] = _("Use a whole number of slots (%(slot)s minutes each).") % {
                "slot": self.slot_minutes
            }
        if self.min_minutes and self.max_minutes and self.max_minutes < self.min_minutes:
            errors["max_minutes"] = _("The longest booking cannot be shorter than the shortest.")
        if self.space_id and self.campus_id and self.space.building.campus_id != self.campus_id:
            errors["space"] = _("This space is on another campus.")
        if errors:
            raise ValidationError(errors)


class OpeningHours(models.Model):
    """One opening period of a resource on a weekday, in campus time; a day may have several."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("resource")
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
        validators=[MaxValueValidator(6)],
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["resource", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="residents_opening_hours_ordered",
                violation_error_message=_("Closing time must be after opening time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class TrainingQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> TrainingQuerySet:
        return self.filter(trained_on__lte=day).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))


class Training(models.Model):
    """A person trained on an instrument, recorded by staff, valid until it expires."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("resource")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("person")
    )
    trained_on = models.DateField(_("trained on"), default=dt.date.today)
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("Leave empty if it never expires.")
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = TrainingQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["resource", "user__email"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="residents_training_once_per_person"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("trained_on")),
                name="residents_training_period_ordered",
                violation_error_message=_("A training cannot expire before it was given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.resource}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.trained_on <= day and (self.expires_on is None or self.expires_on >= day)


class BookingSeries(models.Model):
    """A weekly recurring booking: the same hours each week until ``until``; exceptions are its
    occurrences cancelled one by one, or skipped because they could not be booked."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="series", verbose_name=_("resource"))
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="booking_series", verbose_name=_("company")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("booked by")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    until = models.DateField(_("until"))
    skipped = models.JSONField(
        _("weeks not booked"), default=list, blank=True, help_text=_("Dates that could not be booked, and why.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("weekly booking")
        verbose_name_plural = _("weekly bookings")

    def __str__(self) -> str:
        return f"{self.resource} · {self.title or self.company}"


class BookingQuerySet(models.QuerySet):
    def live(self) -> BookingQuerySet:
        """Bookings holding their slot: confirmed, or requested and waiting for staff."""
        return self.filter(status__in=LIVE_BOOKINGS)

    def not_over(self, now: dt.datetime) -> BookingQuerySet:
        """Bookings that have not ended: going on or to come."""
        return self.filter(ends_at__gt=now)

    def waiting(self, now: dt.datetime) -> BookingQuerySet:
        """Requests staff have still to confirm or decline: not yet over."""
        return self.not_over(now).filter(status=BookingStatus.REQUESTED)

    def overlapping(self, starts_at: dt.datetime, ends_at: dt.datetime) -> BookingQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def chargeable(self) -> BookingQuerySet:
        """Confirmed bookings of a priced resource not yet on an invoice."""
        return self.filter(status=BookingStatus.CONFIRMED, price_per_hour__gt=0, invoice_line__isnull=True)


class Booking(models.Model):
    """A company's person holding a resource from ``starts_at`` to ``ends_at`` (UTC, end excluded)."""

    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("resource")
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("company"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("booked by")
    )
    series = models.ForeignKey(
        BookingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("weekly booking"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    # The price when booked: a price changed later does not change a booking made.
    price_per_hour = models.DecimalField(_("price per hour (CNY)"), default=Decimal("0"), **PRICE)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed or declined by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True, help_text=_("Why it was cancelled or declined."))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    invoice_line = models.ForeignKey(
        "residents.InvoiceLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("invoice line"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = BookingQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="residents_booking_period_ordered",
                violation_error_message=_("A booking must end after it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "starts_at"], name="residents_booking_resource"),
            models.Index(fields=["company", "starts_at"], name="residents_booking_company"),
            models.Index(fields=["booked_by", "starts_at"], name="residents_booking_person"),
            # Requests waiting for staff (``waiting``, the today page's count and the staff bookings page):
            # a few among all bookings.
            models.Index(
                fields=["ends_at"], condition=Q(status=BookingStatus.REQUESTED), name="residents_booking_waiting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.local_start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("residents:booking", kwargs={"pk": self.pk})

    @property
    def local_start(self) -> dt.datetime:
        return timezone.localtime(self.starts_at, self.resource.campus.tz)

    @property
    def local_end(self) -> dt.datetime:
        return timezone.localtime(self.ends_at, self.resource.campus.tz)

    @property
    def when_display(self) -> str:
        """ "3 March 2027, 09:00–10:30 (Asia/Shanghai, UTC+08:00)", in the active language."""
        start, end = self.local_start, self.local_end
        offset = start.strftime("%z")
        return _("%(day)s, %(start)s–%(end)s (%(zone)s, UTC%(offset)s)") % {
            "day": formats.date_format(start.date()),
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
            "zone": self.resource.campus.time_zone,
            "offset": f"{offset[:3]}:{offset[3:]}",
        }

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_BOOKINGS

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)

    @property
    def used_hours(self) -> Decimal:
        if not (self.checked_in_at and self.checked_out_at):
            return Decimal(0)
        return Decimal((self.checked_out_at - self.checked_in_at).total_seconds()) / Decimal(3600)

    @property
    def amount(self) -> Decimal:
        return (self.price_per_hour * self.hours).quantize(Decimal("0.01"))


class CalendarFeed(models.Model):
    """A secret calendar address for one person's bookings (and meetings) or one resource's.

    Only the token's hash is kept: the address is shown once, and a new one revokes the old.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("person"),
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("resource"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, resource__isnull=True) | Q(user__isnull=True, resource__isnull=False),
                name="residents_feed_of_person_or_resource",
            ),
            # One live address per owner: issuing a new one revokes the old in the same transaction.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True, user__isnull=False),
                name="residents_feed_live_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["resource"],
                condition=Q(revoked_at__isnull=True, resource__isnull=False),
                name="residents_feed_live_once_per_resource",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.resource)
