"""The public resident directory."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from ..filters import ResidentFilter
from ..logos import logo_response
from ..selectors import (
    DIRECTORY_CACHE_SECONDS,
    directory_companies,
    directory_version,
    residents_for_directory,
    residents_for_directory_list,
)

PER_PAGE = 20
# Which directory pages are kept in the cache: the list and its pages up to CACHED_PAGES, with at
# most one filter, spelt as the page's own form and links spell it. Other pages (text searches,
# several filters, later pages, other spellings of the same choice) are answered but never kept,
# so the pages kept are a small finite set whatever anyone asks for.
FILTERS = ("country", "business_area", "focus_area")
CACHED_PAGES = 5


def residents(request):
    """The directory's filters, results and pages are the same for everyone who asks in a language,
    so the common ones are kept in the cache under the directory's stamp and shown from there
    until a company changes; the page around them (the visitor's own menu) is drawn every time."""
    version = directory_version()
    key = _cache_key(request, version)
    listing = cache.get(key) if key else None
    if listing is None:
        filterset = ResidentFilter(
            request.GET or None, queryset=residents_for_directory_list(), request=request, version=version
        )
        page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        listing = render_to_string(
            "tenants/residents/_listing.html",
            {"filter": filterset, "page": page, "query": query.urlencode()},
            request,
        )
        if key and _spelt_as_chosen(request, filterset, page):
            cache.set(key, listing, DIRECTORY_CACHE_SECONDS)
    return render(request, "tenants/residents/list.html", {"listing": listing})


def _cache_key(request, version: str) -> str | None:
    """The key of a page that may be kept: by language, stamp, the one filter and the page."""
    params = request.GET
    if not set(params) <= {"q", *FILTERS, "page"} or any(len(values) > 1 for _, values in params.lists()):
        return None
    chosen = [(name, params[name]) for name in FILTERS if params.get(name)]
    number = params.get("page", "1")
    if params.get("q") or len(chosen) > 1 or number not in {str(n) for n in range(1, CACHED_PAGES + 1)}:
        return None
    # Whether the page has any parameter but its number shows in it ("Clear filters").
    filtered = any(name != "page" for name in params)
    spelling = f"{get_language()}|{version}|{chosen}|{number}|{filtered}"
    return f"directory:page:{hashlib.sha256(spelling.encode()).hexdigest()}"


def _spelt_as_chosen(request, filterset, page) -> bool:
    """Every value names a real choice as the form spells it (``business_area=1``, not ``=01``),
    and the page asked for is the page shown."""
    if filterset.is_bound and not filterset.is_valid():
        return False
    cleaned = filterset.form.cleaned_data if filterset.is_bound else {}
    for name in FILTERS:
        value = cleaned.get(name)
        if value not in (None, "") and str(getattr(value, "pk", value)) != request.GET.get(name):
            return False
    return request.GET.get("page", "1") == str(page.number)


def resident_detail(request, slug: str):
    company = get_object_or_404(residents_for_directory(), slug=slug)
    return render(request, "tenants/residents/detail.html", {"company": company})


@require_safe
def resident_logo(request, slug: str, key: str):
    """A listed resident's current logo, for anyone; an old or unlisted one is a 404."""
    company = get_object_or_404(directory_companies().only("slug", "logo"), slug=slug)
    if not company.logo or PurePosixPath(company.logo.name).stem != key:
        raise Http404
    return logo_response(company, public=True)
