"""Rooms, instruments and bookings for the staff side's tests.

Bookings are written as rows where a test needs no rule of the service (a past booking, one checked
in), as the service refuses a time that has passed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from residents.choices import BookingStatus
from residents.models import Booking
from tests.residents.bookings_setup import resource_open
from tests.residents.feeds_setup import booking_of


def a_resource(campus, name: str = "Meeting room A", *, hours=(dt.time(8), dt.time(20)), days=range(7), **fields):
    """A resource open ``hours`` (campus time) on ``days`` (0 is Monday)."""
    return resource_open(campus, name=name, hours=(hours,), days=days, **fields)


def at(campus, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=campus.tz)


def booked(resource, person, day: dt.date, hour: int, *, hours: float = 1, **fields) -> Booking:
    """``person``'s company's booking of ``resource`` on ``day`` from ``hour`` (campus time)."""
    fields.setdefault("status", BookingStatus.CONFIRMED)
    fields.setdefault("price_per_hour", resource.price_per_hour)
    return booking_of(person, resource, at(resource.campus, day, hour), minutes=int(hours * 60), **fields)


PRICED = {"price_per_hour": Decimal("200"), "tax_percent": Decimal("6")}
