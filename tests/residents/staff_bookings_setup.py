"""Rooms, instruments and bookings for the staff side's tests.

Bookings are written as rows where a test needs no rule of the service (a past booking, one checked
in), as the service refuses a time that has passed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from residents.choices import BookingStatus, ResourceKind
from residents.models import Booking, OpeningHours, Resource


def a_resource(campus, name: str = "Meeting room A", *, hours=(dt.time(8), dt.time(20)), days=range(7), **fields):
    """A resource open ``hours`` (campus time) on ``days`` (0 is Monday)."""
    fields.setdefault("kind", ResourceKind.ROOM)
    resource = Resource.objects.create(campus=campus, name=name, **fields)
    OpeningHours.objects.bulk_create(
        OpeningHours(resource=resource, weekday=day, opens=hours[0], closes=hours[1]) for day in days
    )
    return resource


def at(campus, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=campus.tz)


def booked(resource, person, day: dt.date, hour: int, *, hours: float = 1, **fields) -> Booking:
    """``person``'s company's booking of ``resource`` on ``day`` from ``hour`` (campus time)."""
    start = at(resource.campus, day, hour)
    fields.setdefault("status", BookingStatus.CONFIRMED)
    fields.setdefault("price_per_hour", resource.price_per_hour)
    return Booking.objects.create(
        resource=resource,
        company=person.company,
        booked_by=person.user,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        **fields,
    )


PRICED = {"price_per_hour": Decimal("200"), "tax_percent": Decimal("6")}
