"""Reads of the campus app shared by pages, the admin and (later) the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .models import Campus, Space, SpaceQuerySet


def spaces_available(
    *,
    on: dt.date,
    until: dt.date | None = None,
    campus: Campus | None = None,
    kind: str | None = None,
    min_area: Decimal | None = None,
) -> SpaceQuerySet:
    """Lettable spaces with area free on every day from ``on`` to ``until`` (just ``on`` when ``until`` is
    None): at least ``min_area`` m² of it when given, so a shared space with room left is offered too."""
    qs = Space.objects.available_between(on, until or on, min_free_area=min_area)
    qs = qs.with_location().prefetch_related("platform_stages", "gases")
    if campus is not None:
        qs = qs.filter(building__campus=campus)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def campuses_for_display():
    """Campuses with everything the public campus pages show, in a fixed number of queries."""
    return Campus.objects.prefetch_related("platform_stages", "business_areas", "targets")


def spaces_with_free_area(
    *, on: dt.date, until: dt.date | None = None, open_end: bool = False, min_free_area: Decimal | None = None
) -> SpaceQuerySet:
    """Spaces annotated with ``free_area_m2``, the area free on every day from ``on`` to ``until``.

    ``until`` None means the day ``on`` alone, or every day from ``on`` on with ``open_end``. The free
    area is the space's area minus the largest total allocated on any one of those days.
    """
    end = None if open_end else (until or on)
    qs = Space.objects.with_free_area(on, end)
    if min_free_area is not None:
        qs = qs.filter(free_area_m2__gte=min_free_area)
    return qs
