"""Staff pages of the campus: space over time, building by building (/staff/space/...)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from common.staff import staff_required

from . import timeline
from .models import Building

#: Whoever may see allocations may see how spaces are held over time.
VIEW = "campus.view_allocation"
PAGE_SIZE = 50


def _building(pk: int) -> Building:
    return get_object_or_404(Building.objects.select_related("campus"), pk=pk)


@staff_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def buildings(request):
    """Every building, with its three views of space over time."""
    queryset = Building.objects.select_related("campus").order_by("campus__name", "code")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campus/staff/buildings.html", {"page": page})


@staff_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def building_timeline(request, pk: int):
    building = _building(pk)
    context = {"building": building, "view": "timeline", "timeline": timeline.building_timeline(building)}
    return render(request, "campus/staff/timeline.html", context)


@staff_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def building_vacancies(request, pk: int):
    building = _building(pk)
    today = timeline.building_today(building)
    context = {
        "building": building,
        "view": "vacancies",
        "today": today,
        "horizons": timeline.vacancies_ahead(building, today),
    }
    return render(request, "campus/staff/vacancies.html", context)


@staff_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def building_floors(request, pk: int):
    building = _building(pk)
    context = {
        "building": building,
        "view": "floors",
        "floors": timeline.building_floors(building),
        "statuses": timeline.STATUSES,
        "ending_days": timeline.ENDING_SOON_DAYS,
    }
    return render(request, "campus/staff/floors.html", context)
