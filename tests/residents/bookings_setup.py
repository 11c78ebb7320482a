"""Resources and bookings for the booking tests: a room open every day, an instrument that needs training."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from residents.choices import ResourceKind
from residents.models import OpeningHours, Resource, Training
from residents.services.bookings import at, booking_create
from tenants.choices import CompanyStatus

OPEN, CLOSE = dt.time(8), dt.time(20)


def resource_open(campus, *, name="Meeting room A-402", hours=((OPEN, CLOSE),), days=range(7), **fields) -> Resource:
    """A room open ``hours`` on ``days`` (every day by default), 30-minute slots, 30 minutes to 4 hours."""
    defaults = {"kind": ResourceKind.ROOM, "slot_minutes": 30, "min_minutes": 30, "max_minutes": 240}
    resource = Resource.objects.create(campus=campus, name=name, **{**defaults, **fields})
    for weekday in days:
        for opens, closes in hours:
            OpeningHours.objects.create(resource=resource, weekday=weekday, opens=opens, closes=closes)
    return resource


def instrument(campus, *, trained=(), price=Decimal("600"), **fields) -> Resource:
    resource = resource_open(
        campus,
        name=fields.pop("name", "Sequencer"),
        kind=ResourceKind.EQUIPMENT,
        training_required=True,
        price_per_hour=price,
        slot_minutes=60,
        min_minutes=60,
        max_minutes=480,
        **fields,
    )
    for user in trained:
        Training.objects.create(resource=resource, user=user, trained_on=dt.date.today() - dt.timedelta(days=30))
    return resource


def resident(company):
    if company.status != CompanyStatus.RESIDENT:
        company.status = CompanyStatus.RESIDENT
        company.save(update_fields=["status"])
    return company


def tomorrow_at(resource, hour: int, minute: int = 0) -> dt.datetime:
    today = timezone.localtime(timezone.now(), resource.campus.tz).date()
    return at(resource, today + dt.timedelta(days=1), dt.time(hour, minute))


def in_days(resource, days: int, hour: int) -> dt.datetime:
    today = timezone.localtime(timezone.now(), resource.campus.tz).date()
    return at(resource, today + dt.timedelta(days=days), dt.time(hour))


def booked(person, resource, starts_at=None, hours: float = 1, **kwargs):
    """``person`` (a tests.personas.Resident) books ``resource`` through the service."""
    resident(person.company)
    starts_at = starts_at or tomorrow_at(resource, 10)
    return booking_create(
        resource=resource,
        user=person.user,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        **kwargs,
    )
