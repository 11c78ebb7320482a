"""The campus staff's bookings pages: the bookings waiting for approval and today's, with their
check-ins and no-shows (/staff/bookings/), and how much each room and instrument is used, by week
or month (/staff/bookings/use/, with a CSV download).

Reading needs ``residents.view_booking``; confirming, declining and recording a check-in need
``residents.change_booking`` and go through ``residents.services.bookings``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from campus.models import Campus
from common.errors import DomainError
from common.spreadsheets import csv_download
from common.staff import staff_required

from ..choices import BookingStatus
from ..models import Booking
from ..services.bookings import booking_check, booking_decide
from ..utilisation import MONTH, PERIODS, USE_COLUMNS, resource_use, use_csv_rows

VIEW = "residents.view_booking"
CHANGE = "residents.change_booking"
PAGE_SIZE = 25


class CampusFilter(forms.Form):
    campus = forms.ModelChoiceField(queryset=Campus.objects.order_by("name"), label=_("Campus"), empty_label=None)


class UseFilter(forms.Form):
    campus = forms.ModelChoiceField(queryset=Campus.objects.order_by("name"), label=_("Campus"), empty_label=None)
    period = forms.ChoiceField(choices=PERIODS, label=_("Period"))
    date = forms.DateField(
        label=_("Holding the day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def _chosen(request):
    """The filters as given, the first campus and this month where they are missing or wrong."""
    campus, today = Campus.objects.order_by("name").first(), timezone.localdate()
    defaults = {"campus": campus, "period": MONTH, "date": today}
    data = {"campus": getattr(campus, "pk", ""), "period": MONTH, "date": today.isoformat(), **request.GET.dict()}
    form = UseFilter(data)
    return form, (form.cleaned_data if form.is_valid() else defaults)


@staff_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def staff_booking_use(request):
    """Open, booked and used hours and no-shows per resource in a week or month, in campus time."""
    form, chosen = _chosen(request)
    if chosen["campus"] is None:
        return render(request, "residents/staff/bookings/use.html", {"form": form, "rows": []})
    bounds, rows = resource_use(chosen["campus"], period=chosen["period"], on=chosen["date"])
    if request.GET.get("export") == "csv":
        filename = f"{chosen['campus'].slug}-resource-use-{bounds[0].isoformat()}.csv"
        return csv_download(filename, USE_COLUMNS, use_csv_rows(bounds, rows), stream=False)
    context = {
        "form": form,
        "rows": rows,
        "bounds": bounds,
        "campus": chosen["campus"],
        "query": request.GET.urlencode(),
    }
    return render(request, "residents/staff/bookings/use.html", context)


# --- The day's bookings and those waiting for approval -------------------------------------------


def _bookings(campus: Campus):
    return Booking.objects.filter(resource__campus=campus).select_related("resource__campus", "company", "booked_by")


@staff_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def staff_bookings(request):
    """Bookings waiting for approval (the soonest first) and today's bookings at a campus."""
    first = Campus.objects.order_by("name").first()
    filters = CampusFilter({"campus": getattr(first, "pk", ""), **request.GET.dict()})
    campus = filters.cleaned_data["campus"] if filters.is_valid() else first
    if campus is None:
        return render(request, "residents/staff/bookings/list.html", {"campus": None, "filters": filters})
    now = timezone.now()
    today = timezone.localtime(now, campus.tz).date()
    day_starts = dt.datetime.combine(today, dt.time(), tzinfo=campus.tz)
    waiting = _bookings(campus).waiting(now).order_by("starts_at", "pk")
    todays = (
        _bookings(campus)
        .filter(starts_at__gte=day_starts, starts_at__lt=day_starts + dt.timedelta(days=1))
        .exclude(status=BookingStatus.REQUESTED)
        .order_by("starts_at", "resource__name", "pk")
    )
    context = {
        "campus": campus,
        "filters": filters,
        "today": today,
        "now": now,
        "waiting": Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("waiting")),
        "todays": Paginator(todays, PAGE_SIZE * 2).get_page(request.GET.get("page")),
        "can_change": request.user.has_perm(CHANGE),
        "back": request.GET.urlencode(),
    }
    return render(request, "residents/staff/bookings/list.html", context)


def _back(request):
    """Back to the list with the filters it showed (a query string, never another address)."""
    query = QueryDict(request.POST.get("back", "")).urlencode()
    return redirect(reverse("residents:staff_bookings") + (f"?{query}" if query else ""))


@staff_required
@require_POST
@permission_required(CHANGE, raise_exception=True)
def staff_booking_decide(request, pk: int):
    """Confirm a booking waiting for approval, or decline it with a reason."""
    booking = get_object_or_404(Booking.objects.select_related("resource__campus"), pk=pk)
    confirm = request.POST.get("decision") == "confirm"
    try:
        booking = booking_decide(
            booking=booking, confirm=confirm, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(booking)s: %(status)s.") % {"booking": booking, "status": booking.get_status_display()}
        )
    return _back(request)


@staff_required
@require_POST
@permission_required(CHANGE, raise_exception=True)
def staff_booking_check(request, pk: int):
    """Record that the person has come (or left), for them."""
    booking = get_object_or_404(Booking.objects.select_related("resource__campus"), pk=pk)
    try:
        booking = booking_check(booking=booking, actor=request.user, out=request.POST.get("out") == "1")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded for %(booking)s.") % {"booking": booking})
    return _back(request)
