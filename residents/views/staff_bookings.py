"""The campus staff's bookings pages: how much each room and instrument is used, by week or month
(/staff/bookings/use/, with a CSV download). Reading needs ``residents.view_booking``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from campus.models import Campus
from common.spreadsheets import csv_download
from common.staff import staff_required

from ..utilisation import MONTH, PERIODS, USE_COLUMNS, resource_use, use_csv_rows

VIEW = "residents.view_booking"


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
