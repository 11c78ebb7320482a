"""A resource's week as its people see it: each day's slots, free or taken, in campus time.

Three queries whatever the week holds: the resource with its campus, its opening hours, and the
live bookings touching the week (found through the ``(resource, starts_at)`` index, so years of
past bookings cost nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from .models import Booking, Resource
from .models.bookings import LONGEST
from .services.bookings import at, opening_periods


@dataclass
class Slot:
    starts_at: dt.datetime  # aware, in campus time (worked out in UTC)
    ends_at: dt.datetime
    state: str  # "free", "taken", "ours", "past"
    booking: Booking | None = None
    # Written once here rather than by filters for each of a week's hundreds of slots.
    label: str = ""
    start_param: str = ""
    booking_url: str = ""


@dataclass
class Day:
    date: dt.date
    slots: list[Slot] = field(default_factory=list)
    is_today: bool = False

    @property
    def free_count(self) -> int:
        return sum(1 for slot in self.slots if slot.state == "free")


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def resource_week(resource: Resource, monday: dt.date, *, company_id: int | None, now: dt.datetime | None = None):
    """The seven days from ``monday`` with their slots; a slot is "ours" when ``company_id`` holds it."""
    now = now or timezone.now()
    hours = list(resource.opening_hours.all())
    first, last = at(resource, monday, dt.time.min), at(resource, monday + dt.timedelta(days=7), dt.time.min)
    bookings = list(
        Booking.objects.live()
        # The lower bound keeps the index scan to the week: no booking is longer than LONGEST.
        .filter(resource=resource, starts_at__gte=first - LONGEST, starts_at__lt=last, ends_at__gt=first)
        .order_by("starts_at")
        .only("pk", "starts_at", "ends_at", "company_id", "title", "status", "booked_by_id")
    )
    today = timezone.localtime(now, resource.campus.tz).date()
    step = dt.timedelta(minutes=resource.slot_minutes)
    days = []
    for offset in range(7):
        day = Day(date=monday + dt.timedelta(days=offset))
        day.is_today = day.date == today
        for opens, closes in opening_periods(resource, day.date, hours):
            start = opens
            while start + step <= closes:
                end = start + step
                day.slots.append(_slot(start, end, bookings, company_id, now, resource.campus.tz))
                start = end
        days.append(day)
    return days


def _slot(start: dt.datetime, end: dt.datetime, bookings: list[Booking], company_id, now, tz) -> Slot:
    # Bookings are sorted by start and never overlap, so the first one ending after ``start`` is
    # the only candidate; those before it end earlier and are dropped for the slots that follow.
    while bookings and bookings[0].ends_at <= start:
        bookings.pop(0)
    holder = bookings[0] if bookings and bookings[0].starts_at < end else None
    if holder is not None:
        state = "ours" if holder.company_id == company_id else "taken"
    else:
        state = "past" if start < now else "free"
    wall = start.astimezone(tz)  # computed in UTC, shown on the campus's clocks
    slot = Slot(wall, end.astimezone(tz), state, holder, label=wall.strftime("%H:%M"))
    slot.start_param = wall.strftime("%Y-%m-%dT%H:%M")
    if state == "ours":
        slot.booking_url = reverse("residents:booking", args=[holder.pk])
    return slot
