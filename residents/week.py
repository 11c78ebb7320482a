"""A resource's week as its people see it: each day's slots, free or taken, in campus time.

Three queries whatever the week holds: the resource with its campus, its opening hours, and the
live bookings touching the week (found through the ``(resource, starts_at)`` index, so years of
past bookings cost nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from .models import Booking, Resource
from .services.bookings import at, opening_periods


@dataclass
class Slot:
    starts_at: dt.datetime  # aware, campus time
    ends_at: dt.datetime
    state: str  # "free", "taken", "ours", "past"
    booking: Booking | None = None

    @property
    def start_param(self) -> str:
        return self.starts_at.strftime("%Y-%m-%dT%H:%M")


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
        .filter(resource=resource, starts_at__lt=last, ends_at__gt=first)
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
                holder = next((b for b in bookings if b.starts_at < end and b.ends_at > start), None)
                if holder is not None:
                    state = "ours" if holder.company_id == company_id else "taken"
                elif start < now:
                    state = "past"
                else:
                    state = "free"
                day.slots.append(Slot(start, end, state, holder))
                start = end
        days.append(day)
    return days
