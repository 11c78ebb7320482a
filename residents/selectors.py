"""Reads of the residents' features used in more than one place."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils import timezone

from campus.models import Campus

from .choices import LIVE_LEASES, LeaseState
from .models import Booking, Lease, Resource
from .services.bookings import at


def request_handlers() -> QuerySet:
    """Staff who may work service requests: active staff accounts holding ``residents.change_servicerequest``."""
    permission = Permission.objects.filter(codename="change_servicerequest", content_type__app_label="residents")
    granted = Q(groups__permissions__in=permission) | Q(user_permissions__in=permission)
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(Q(is_superuser=True) | granted).distinct().order_by("first_name", "last_name", "username")


def leases_in_force(campus: Campus, first: dt.date, last: dt.date) -> QuerySet[Lease]:
    """The campus's leases billed for at least one day from ``first`` to ``last``: from their first
    day to their last (the day they were terminated on, or their end); drafts bind no one."""
    return Lease.objects.filter(campus=campus, starts_on__lte=last).filter(
        Q(state__in=LIVE_LEASES, ends_on__gte=first)
        | Q(state=LeaseState.ENDED, ends_on__gte=first)
        | Q(state=LeaseState.TERMINATED, terminated_on__gte=first)
    )


# --- Bookable resources --------------------------------------------------------------------------

Period = tuple[dt.datetime, dt.datetime]


def free_periods(resource: Resource, first: dt.date, last: dt.date, *, now: dt.datetime | None = None) -> list[Period]:
    """When ``resource`` can be booked from the local day ``first`` to ``last`` (included): its opening
        hours minus its live bookings, from now until its horizon, on its slots, each period at least its
        shortest booking; periods of two opening hours that touch stay apart, as a booking lies within
    one. Moments are aware, in the campus's zone. Two queries (one with
        ``opening_hours`` prefetched), whatever the number of days or bookings."""
    now = now or timezone.now()
    zone = resource.campus.tz
    first = max(first, timezone.localtime(now, zone).date())
    horizon = now + dt.timedelta(days=resource.horizon_days)
    last = min(last, timezone.localtime(horizon, zone).date())
    if last < first:
        return []
    hours = sorted(resource.opening_hours.all(), key=lambda h: (h.weekday, h.opens))
    opening = [
        (at(resource, day, h.opens), at(resource, day, h.closes))
        for day in (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
        for h in hours
        if h.weekday == day.weekday()
    ]
    if not opening:
        return []
    taken = list(
        Booking.objects.live()
        .filter(resource=resource)
        .overlapping(opening[0][0], opening[-1][1])
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    step = dt.timedelta(minutes=resource.slot_minutes)
    shortest = dt.timedelta(minutes=resource.min_minutes)
    free = []
    for opens, closes in opening:
        for start, end in _subtract((max(opens, now), closes), taken):
            start, end = _on_slots(opens, start, end, step)
            if end - start >= shortest and start <= horizon:
                free.append((start, end))
    return [(timezone.localtime(start, zone), timezone.localtime(end, zone)) for start, end in free]


def _subtract(period: Period, taken: list[Period]) -> list[Period]:
    """What is left of ``period`` after the bookings ``taken`` (sorted by start)."""
    start, end = period
    left = []
    for booked_from, booked_to in taken:
        if booked_to <= start or booked_from >= end:
            continue
        if booked_from > start:
            left.append((start, booked_from))
        start = max(start, booked_to)
    if start < end:
        left.append((start, end))
    return left


def _on_slots(opens: dt.datetime, start: dt.datetime, end: dt.datetime, step: dt.timedelta) -> Period:
    """``start`` moved up and ``end`` down to the slots that begin at ``opens``."""
    start = opens + -((opens - start) // step) * step
    end = opens + ((end - opens) // step) * step
    return start, end
