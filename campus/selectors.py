"""Reads of the campus app shared by pages, the admin and (later) the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection

from .models import Campus, Space, SpaceQuerySet

LOOKUP_FIELDS = ("platform_stages", "gases")  # a space's many-to-many fields of lookup codes


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


def space_lookup_codes(space_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """The codes of each space's platform stages and gases, in lookup order, in one query.

    ``{space_id: {"platform_stages": [...], "gases": [...]}}`` for every id given, so lists that read
    spaces as plain rows (``values()``) show the same codes as ``space.platform_stages.all()``.
    """
    codes: dict[int, dict[str, list[str]]] = {pk: {name: [] for name in LOOKUP_FIELDS} for pk in space_ids}
    if not codes:
        return codes
    # Written out: building this union with the ORM takes three times as long as running it.
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(codes))
    selects, params = [], []
    for name in LOOKUP_FIELDS:
        field = Space._meta.get_field(name)
        through, lookup = field.remote_field.through._meta, field.related_model._meta
        space_id = quote(field.m2m_column_name())
        selects.append(
            f"SELECT %s, t.{space_id}, l.{quote('code')}, l.{quote('position')} "  # noqa: S608 - names only
            f"FROM {quote(through.db_table)} t JOIN {quote(lookup.db_table)} l "
            f"ON l.{quote(lookup.pk.column)} = t.{quote(field.m2m_reverse_name())} "
            f"WHERE t.{space_id} IN ({placeholders})"
        )
        params += [name, *codes]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects) + " ORDER BY 4", params)  # lookups are ordered by position
        for name, space_id, code, _position in cursor.fetchall():
            codes[space_id][name].append(code)
    return codes
