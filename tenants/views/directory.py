"""The public resident directory."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ..filters import ResidentFilter
from ..selectors import residents_for_directory


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
