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
# The only parameters of a directory page that may be kept in the cache, and only when they name
# real choices (see ``residents``): a finite set of pages. Free-text searches are never kept.
CACHED_PARAMETERS = {"country", "business_area", "focus_area", "page"}


def residents(request):
    """The directory's filters, results and pages are the same for everyone who asks in a language,
    so they are kept in the cache under the directory's stamp and shown from there until a company
    changes; the page around them (the visitor's own menu) is drawn on every request."""
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
        # Kept only when every parameter named a real choice and page, so made-up values are
        # answered but never stored.
        real_choices = not filterset.is_bound or filterset.is_valid()
        if key and real_choices and request.GET.get("page", str(page.number)) == str(page.number):
            cache.set(key, listing, DIRECTORY_CACHE_SECONDS)
    return render(request, "tenants/residents/list.html", {"listing": listing})


def _cache_key(request, version: str) -> str | None:
    if not set(request.GET) <= CACHED_PARAMETERS or any(len(values) > 1 for _, values in request.GET.lists()):
        return None
    digest = hashlib.sha256(f"{get_language()}|{version}|{request.GET.urlencode()}".encode()).hexdigest()
    return f"directory:page:{digest}"


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
