"""The public resident directory."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ..filters import ResidentFilter
from ..logos import logo_response
from ..selectors import directory_companies, residents_for_directory


def residents(request):
    filterset = ResidentFilter(request.GET or None, queryset=residents_for_directory(), request=request)
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tenants/residents/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


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
