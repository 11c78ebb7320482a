"""How much each room and instrument of a campus is used, in a week or a month; nothing here writes.

For each resource and period (the week from Monday, or the calendar month, holding a day, in the
campus's time):

- **open hours**: its opening hours over the period's days (real hours, so a day a clock is moved
  for summer time counts what it lasts);
- **booked hours**: its live bookings (confirmed, or requested and waiting) starting in the period;
- **used hours**: from check-in to check-out, of bookings checked out;
- **no-shows**: confirmed bookings that have ended without a check-in;
- **utilisation**: booked and used hours as a share of open hours.

Three queries whatever the number of resources and bookings: the resources, their opening hours,
and one aggregate over the bookings grouped by resource.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campus.models import Campus

from .choices import BookingStatus
from .models import Booking, Resource
from .models.bookings import LIVE_BOOKINGS

WEEK, MONTH = "week", "month"
PERIODS = [(WEEK, _("Week")), (MONTH, _("Month"))]
HOUR = Decimal(3600)
TWO_PLACES = Decimal("0.01")


@dataclass
class ResourceUse:
    resource: Resource
    open_hours: Decimal
    booked_hours: Decimal
    used_hours: Decimal
    no_shows: int

    @property
    def booked_share(self) -> Decimal | None:
        return _share(self.booked_hours, self.open_hours)

    @property
    def used_share(self) -> Decimal | None:
        return _share(self.used_hours, self.open_hours)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` of ``whole`` in per cent, or None when nothing was open."""
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else None


def period_bounds(period: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """The first day and the day after the last of the week (from Monday) or month holding ``on``."""
    if period == WEEK:
        first = on - dt.timedelta(days=on.weekday())
        return first, first + dt.timedelta(days=7)
    first = on.replace(day=1)
    return first, first + dt.timedelta(days=calendar.monthrange(on.year, on.month)[1])


def _hours(delta: dt.timedelta | None) -> Decimal:
    if not delta:
        return Decimal("0.00")
    return (Decimal(delta.total_seconds()) / HOUR).quantize(TWO_PLACES)


def _open_hours(resource: Resource, tz, first: dt.date, end: dt.date) -> Decimal:
    seconds = 0.0
    day = first
    while day < end:
        for hours in resource.opening_hours.all():
            if hours.weekday == day.weekday():
                opens = dt.datetime.combine(day, hours.opens, tzinfo=tz).astimezone(dt.UTC)
                closes = dt.datetime.combine(day, hours.closes, tzinfo=tz).astimezone(dt.UTC)
                seconds += (closes - opens).total_seconds()
        day += dt.timedelta(days=1)
    return (Decimal(seconds) / HOUR).quantize(TWO_PLACES)


def resource_use(
    campus: Campus, *, period: str, on: dt.date, now: dt.datetime | None = None
) -> tuple[tuple[dt.date, dt.date], list[ResourceUse]]:
    """The period's (first day, last day) and a row per resource of ``campus``, by kind and name."""
    now = now or timezone.now()
    first, end = period_bounds(period, on)
    tz = campus.tz
    starts = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    ends = dt.datetime.combine(end, dt.time(), tzinfo=tz)
    resources = list(
        Resource.objects.filter(campus=campus).prefetch_related("opening_hours").order_by("kind", "name", "pk")
    )
    booked = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    used = ExpressionWrapper(F("checked_out_at") - F("checked_in_at"), output_field=DurationField())
    figures = {
        row["resource"]: row
        for row in Booking.objects.filter(resource__campus=campus, starts_at__gte=starts, starts_at__lt=ends)
        .values("resource")
        .annotate(
            booked=Sum(booked, filter=Q(status__in=LIVE_BOOKINGS)),
            used=Sum(
                used,
                filter=Q(status=BookingStatus.CONFIRMED, checked_in_at__isnull=False, checked_out_at__isnull=False),
            ),
            no_shows=Count(
                "pk", filter=Q(status=BookingStatus.CONFIRMED, checked_in_at__isnull=True, ends_at__lte=now)
            ),
        )
        .order_by()
    }
    rows = []
    for resource in resources:
        row = figures.get(resource.pk, {})
        rows.append(
            ResourceUse(
                resource=resource,
                open_hours=_open_hours(resource, tz, first, end),
                booked_hours=_hours(row.get("booked")),
                used_hours=_hours(row.get("used")),
                no_shows=row.get("no_shows", 0),
            )
        )
    return (first, end - dt.timedelta(days=1)), rows


USE_COLUMNS = [
    _("Resource"),
    _("Kind"),
    _("From"),
    _("To"),
    _("Open hours"),
    _("Booked hours"),
    _("Used hours"),
    _("Booked share (%)"),
    _("Used share (%)"),
    _("No-shows"),
]


def use_csv_rows(bounds: tuple[dt.date, dt.date], rows: list[ResourceUse]):
    """The rows of the spreadsheet, in ``USE_COLUMNS`` order."""
    for row in rows:
        yield [
            row.resource.name,
            row.resource.get_kind_display(),
            bounds[0],
            bounds[1],
            row.open_hours,
            row.booked_hours,
            row.used_hours,
            row.booked_share,
            row.used_share,
            row.no_shows,
        ]
