"""Two live bookings of one resource never overlap: under 20 requests at once, and for writers that skip the rules."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.db import IntegrityError, transaction

from residents.choices import BookingStatus
from residents.exceptions import BookingRefused
from residents.models import Booking
from residents.services.bookings import booking_create
from tests.concurrency import at_once
from tests.personas import resident_of
from tests.residents.bookings_setup import resource_open, tomorrow_at
from tests.tenants.factories import CompanyFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_people_booking_overlapping_times_at_once_end_with_exactly_one(campus):
    room = resource_open(campus)
    people = [resident_of(CompanyFactory(campus=campus), "member", f"P{n}") for n in range(20)]
    start = tomorrow_at(room, 10)
    # Each asks for an hour starting on a different half-hour-or-less step, all sharing 10:30-11:00.
    calls = [
        partial(
            booking_create,
            resource=room,
            user=person.user,
            starts_at=start + dt.timedelta(minutes=30 * (n % 2)),
            ends_at=start + dt.timedelta(minutes=30 * (n % 2) + 60),
        )
        for n, person in enumerate(people)
    ]

    outcomes = at_once(*calls)

    won = [outcome for outcome in outcomes if isinstance(outcome, Booking)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Booking)]
    assert len(won) == 1, outcomes
    assert all(isinstance(outcome, BookingRefused) for outcome in refused), refused
    assert Booking.objects.live().filter(resource=room).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_overlaps_from_writers_that_skip_the_rules(campus, resident_admin):
    room = resource_open(campus)
    start = tomorrow_at(room, 10)
    row = {
        "resource": room,
        "company": resident_admin.company,
        "booked_by": resident_admin.user,
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=1),
    }
    Booking.objects.create(**row)
    # Back to back, and a cancelled booking in the same hour, are fine ...
    Booking.objects.create(**{**row, "starts_at": row["ends_at"], "ends_at": row["ends_at"] + dt.timedelta(hours=1)})
    Booking.objects.create(**{**row, "status": BookingStatus.CANCELLED})
    # ... a second live booking of the hour is refused by the exclusion constraint itself.
    with pytest.raises(IntegrityError, match="residents_booking_no_overlap"), transaction.atomic():
        Booking.objects.create(**{**row, "starts_at": start + dt.timedelta(minutes=30)})
    assert Booking.objects.live().count() == 2
