"""Resources with opening hours, and bookings of them, for the calendar feeds' and the API's tests."""

from __future__ import annotations

import datetime as dt

from residents.models import Booking
from tests.residents.bookings_setup import resource_open


def resource_of(campus, name: str = "Meeting room Orion", *, hours=((8, 0), (20, 0)), weekdays=range(7), **fields):
    """A bookable resource of ``campus`` open every day (or ``weekdays``) from ``hours[0]`` to ``hours[1]``."""
    return resource_open(campus, name=name, hours=((dt.time(*hours[0]), dt.time(*hours[1])),), days=weekdays, **fields)


def booking_of(person, resource, starts_at: dt.datetime, minutes: int = 60, **fields) -> Booking:
    """A booking as the service leaves it, written directly so any moment (past ones too) can be used."""
    return Booking.objects.create(
        resource=resource,
        company=person.company,
        booked_by=person.user,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        **fields,
    )
