"""Public campus pages. They present every campus from the database, in the visitor's language."""

from __future__ import annotations

import csv

from django import forms
from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campus.models import Campus
from campus.selectors import campuses_for_display
from common.staff import staff_required
from partners.choices import PartnerStatus
from partners.models import Partner
from tenants.choices import CompanyStatus
from tenants.models import IntakeBatch

from . import kpis


def _partner_count() -> int:
    return Partner.objects.filter(status=PartnerStatus.ACTIVE).count()


def _campuses():
    return (
        campuses_for_display()
        .prefetch_related(Prefetch("intake_batches", queryset=IntakeBatch.objects.order_by("signed_on", "name")))
        .annotate(resident_count=Count("companies", filter=Q(companies__status=CompanyStatus.RESIDENT), distinct=True))
    )


def home(request):
    campuses = list(_campuses())
    return render(request, "portal/home.html", {"campuses": campuses, "partner_count": _partner_count()})


def campus_detail(request, slug: str):
    campus = get_object_or_404(_campuses(), slug=slug)
    return render(request, "portal/campus_detail.html", {"campus": campus, "partner_count": _partner_count()})


class DashboardFilter(forms.Form):
    campus = forms.ModelChoiceField(queryset=Campus.objects.all(), label=_("Campus"), empty_label=None)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned


@staff_required
def staff_dashboard(request):
    """KPIs of one campus over a period; each section shown to staff whose role may see its data."""
    campus = Campus.objects.order_by("name").first()
    if campus is None:
        return render(request, "portal/staff_dashboard.html", {"campus": None})
    start, end = kpis.default_period()
    form = DashboardFilter(request.GET or None, initial={"campus": campus, "start": start, "end": end})
    if form.is_bound and form.is_valid():
        campus, start, end = form.cleaned_data["campus"], form.cleaned_data["start"], form.cleaned_data["end"]
    user, today = request.user, timezone.localdate()
    context = {"form": form, "campus": campus, "start": start, "end": end, "tables": []}
    if user.has_perm("tenants.view_company"):
        context["residents"] = kpis.residents_target(campus)
        context["tables"] += kpis.residents_breakdown(campus)
        context["tables"].append(kpis.resident_outcomes(campus, today))
    if user.has_perm("residents.view_stagetransition"):
        context["tables"].append(kpis.stage_pipeline(campus))
    if user.has_perm("tenants.view_application"):
        context["tables"].append(kpis.funnel(campus, start, end))
        context["median_days"] = kpis.median_days_to_decision(campus, start, end)
    if user.has_perm("campus.view_allocation"):
        context["tables"] += kpis.occupancy(campus, today)
    if user.has_perm("tenants.view_onboardingtask"):
        context["overdue"] = kpis.overdue_tasks(campus, today)
    if user.has_perm("partners.view_referral"):
        context["tables"].append(kpis.referrals_by_partner(campus, start, end))
    if user.has_perm("advisory.view_review"):
        context["tables"].append(kpis.pending_reviews(campus))
    if user.has_perm("residents.view_servicerequest"):
        context["tables"].append(kpis.service_requests(campus, start, end))
    export = request.GET.get("export")
    if export:
        table = next((t for t in context["tables"] if t.key == export), None)
        if table is None:
            raise Http404
        return _csv(table, campus)
    return render(request, "portal/staff_dashboard.html", context)


def _csv(table, campus) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campus.slug}-{table.key}.csv"'
    response.write("\ufeff")  # lets spreadsheet programs detect UTF-8 (Chinese names)
    writer = csv.writer(response)
    writer.writerow([str(column) for column in table.columns])
    writer.writerows([["" if cell is None else str(cell) for cell in row] for row in table.rows])
    return response


# Areas behind a sign-in (the first in every language). Links with a token are not listed: a
# crawler that finds one must be able to fetch it to see its noindex (it only shows a confirmation
# page), or the bare address could still be listed in search results.
ROBOTS_DISALLOW = ["admin/", "staff/", "advisory/"]
ROBOTS_DISALLOW_UNPREFIXED = ["api/v1/", "oidc/"]


def robots_txt(request):
    """Crawlers are asked to stay out of the signed-in areas."""
    prefixes = [""] + [f"{code}/" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    areas = [prefix + area for prefix in prefixes for area in ROBOTS_DISALLOW] + ROBOTS_DISALLOW_UNPREFIXED
    lines = ["User-agent: *", *(f"Disallow: /{area}" for area in areas)]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
