"""Reads of the tenants app shared by pages, the admin and the API."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Prefetch
from django_countries import countries

from campus.models import Space, SpaceQuerySet
from campus.models.allocations import AllocationQuerySet
from campus.selectors import spaces_with_free_area

from .models import Application, ApplicationContact, Company, CompanyQuerySet
from .models.companies import logo_url


def application_for_applicant(pk: int) -> Application | None:
    return (
        Application.objects.select_related("company", "campus")
        .prefetch_related(
            Prefetch("contacts", queryset=ApplicationContact.objects.order_by("-is_primary", "pk")),
            "documents",
            "gases",
            "company__business_areas",
            "company__focus_areas",
            "company__disease_stages",
        )
        .filter(pk=pk)
        .first()
    )


def directory_companies() -> CompanyQuerySet:
    """The companies anyone may see: residents that have not asked to be left out.

    /residents/, its filters and the partner API's company list all start here.
    """
    return Company.objects.residents().filter(listed=True)


def residents_for_directory_list() -> CompanyQuerySet:
    """Listed residents for the directory's cards: one query (area labels come from the row's codes)."""
    return directory_companies().order_by("name")


def residents_for_directory() -> CompanyQuerySet:
    """Listed residents with what a directory entry's page shows, in a fixed number of queries."""
    return (
        directory_companies()
        .select_related("intake_batch", "campus")
        .prefetch_related("business_areas", "focus_areas", "disease_stages")
        .order_by("name")
    )


def directory_version() -> str:
    """A stamp that changes whenever a company changes, for pages of the directory kept in the cache.

    Two parts: the newest ``updated_at`` (one index read; every write to a company sets it), and a
    generation counter in the cache that ``directory_changed`` moves once a change has committed
    (a deletion, or a slow transaction that commits after a newer change moved the first part).
    """
    latest = Company.objects.order_by().aggregate(latest=Max("updated_at"))["latest"]
    generation = cache.get(DIRECTORY_GENERATION, 0)
    return f"{latest.isoformat() if latest else 'empty'}.{generation}"


def directory_changed() -> None:
    """Move the directory's generation on: after the current transaction commits (at once without one)."""

    def move_on() -> None:
        try:
            cache.incr(DIRECTORY_GENERATION)
        except ValueError:  # not there yet (or the cache was emptied): any new value will do
            cache.set(DIRECTORY_GENERATION, time.time_ns(), None)

    transaction.on_commit(move_on)


DIRECTORY_GENERATION = "directory:generation"


def directory_countries(version: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the countries of listed residents, in the page language's order of names.

    The codes are kept in the cache under the directory's ``version``, so only the first page view
    after a company changes reads them from the table.
    """
    version = version or directory_version()
    key = f"directory:countries:{version}"
    codes = cache.get(key)
    if codes is None:
        codes = sorted(set(directory_companies().order_by().values_list("country", flat=True).distinct()))
        cache.set(key, codes, DIRECTORY_CACHE_SECONDS)
    present = set(codes)
    return [(code, name) for code, name in countries if code in present]


# How long a directory stamp's cached entries live; a new stamp makes them unused at once.
DIRECTORY_CACHE_SECONDS = 600


# The public columns of a resident company, as ``QuerySet.values()`` names them.
DIRECTORY_FIELDS = (
    "pk",
    "slug",
    "name",
    "name_zh",
    "campus__slug",
    "country",
    "website",
    "description_en",
    "description_zh_hans",
    "logo",
    "platform_stage",
    "resident_since",
    "business_area_codes",
    "focus_area_codes",
)


def directory_rows(rows: list[dict]) -> list[dict]:
    """Public directory entries from ``values(*DIRECTORY_FIELDS)`` rows: no further query."""
    return [
        {
            "slug": row["slug"],
            "name": row["name"],
            "name_zh": row["name_zh"],
            "campus": row["campus__slug"],
            "country": row["country"],
            "website": row["website"],
            # The API's keys stay as they were before the texts were translated fields.
            "description": row["description_en"] or "",
            "description_zh": row["description_zh_hans"] or "",
            "logo": absolute_logo_url(row["slug"], row["logo"]),
            "business_areas": row["business_area_codes"],
            "focus_areas": row["focus_area_codes"],
            "platform_stage": row["platform_stage"],
            "resident_since": row["resident_since"],
        }
        for row in rows
    ]


def absolute_logo_url(slug: str, name: str) -> str | None:
    """The logo's address for callers outside the site (the API); None without a logo."""
    path = logo_url(slug, name)
    return settings.SITE_URL.rstrip("/") + path if path else None


def spaces_matching(application: Application) -> SpaceQuerySet:
    """Spaces on the application's campus that meet its stated needs over the whole period asked for.

    A space matches when the area left free on every day of the period (``free_area_m2``) covers the
    area asked for, or, with no area given, when the whole space is free. Best fit first: the smallest
    sufficient free area, then spaces suiting the platform stage wanted, then the smaller space.
    """
    start, end = application.space_needed_on(), application.space_needed_until()
    qs = (
        spaces_with_free_area(on=start, until=end, open_end=end is None)
        .filter(building__campus=application.campus)
        .with_location()
        .prefetch_related("platform_stages", "gases")
    )
    if application.space_area_m2:
        qs = qs.filter(free_area_m2__gte=application.space_area_m2)
    else:
        qs = qs.filter(free_area_m2__gte=F("area_m2"))
    if application.space_kind:
        qs = qs.filter(kind=application.space_kind)
    if application.biosafety_level:
        qs = qs.filter(biosafety_level__gte=application.biosafety_level)
    if application.cleanroom_class:
        # ISO classes: a lower number is cleaner, so iso5 also satisfies a request for iso7.
        qs = qs.exclude(cleanroom_class="").filter(cleanroom_class__lte=application.cleanroom_class)
    if application.fume_hoods:
        qs = qs.filter(fume_hoods__gte=application.fume_hoods)
    if application.needs_cold_room:
        qs = qs.filter(has_cold_room=True)
    for gas in application.gases.all():
        qs = qs.filter(gases=gas)
    suits_stage = Exists(
        Space.platform_stages.through.objects.filter(
            space_id=OuterRef("pk"), platformstage__code=application.platform_stage
        )
    )
    return qs.annotate(suits_stage=suits_stage).order_by("free_area_m2", "-suits_stage", "area_m2", "pk")


def company_allocations(company: Company) -> AllocationQuerySet:
    """The company's allocations, the latest first, with their space and building."""
    return company.allocations.select_related("space__building").order_by("-starts_on", "-pk")
