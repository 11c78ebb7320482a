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
    """Spaces free on every day from ``on`` to ``until`` (just ``on`` when ``until`` is None)."""
    qs = Space.objects.available_between(on, until or on).with_location().prefetch_related("platform_stages", "gases")
    if campus is not None:
        qs = qs.filter(building__campus=campus)
    if kind:
        qs = qs.filter(kind=kind)
    if min_area is not None:
        qs = qs.filter(area_m2__gte=min_area)
    return qs


def campuses_for_display():
    """Campuses with everything the public campus pages show, in a fixed number of queries."""
    return Campus.objects.prefetch_related("platform_stages", "business_areas", "targets")
