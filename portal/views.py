"""Public campus pages. They present every campus from the database, in the visitor's language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from campus.models import Campus
from campus.selectors import campuses_for_display
from common.figures import figures_generation
from common.spreadsheets import csv_attachment, csv_download, xlsx_download
from common.staff import staff_required
from partners.choices import PartnerStatus
from partners.models import Partner
from residents import exports
from tenants.choices import CompanyStatus
from tenants.models import IntakeBatch

from . import finance_kpis, kpis, today


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


class FinanceFilter(DashboardFilter):
    """The dashboard's filter with the month of the rent roll (YYYY-MM), for staff who see finance."""

    month = forms.DateField(
        label=_("Rent roll month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Enter the month as YYYY-MM.")},
    )


def _headlines(context: dict, campus: Campus, today) -> list[dict]:
    """The figures shown above the sections, each linking to the section it comes from."""
    figures = []
    if "residents" in context:
        target = kpis.next_target(context["residents"])
        figures.append(
            {
                "label": _("Resident companies"),
                "value": context["residents"]["count"],
                "detail": target["target"].sentence if target else _("No targets published yet."),
                "anchor": "targets",
            }
        )
    share = kpis.occupancy_today(context["tables"])
    if share is not None:
        figures.append({"label": _("Occupancy today"), "value": f"{share} %", "anchor": "occupancy_by_building"})
    if "median_days" in context:
        quarter = kpis.applications_this_quarter(campus, today)
        since = kpis.quarter_start(today)
        figures.append(
            {
                "label": _("Applications this quarter"),
                "value": quarter,
                "detail": _("submitted since %(day)s") % {"day": formats.date_format(since)},
                "anchor": "funnel",
            }
        )
        days = context["median_days"]
        figures.append(
            {
                "label": _("Median days to decision"),
                "value": "—" if days is None else days,
                "detail": kpis.period_between(context["start"], context["end"]),
                "anchor": "funnel",
            }
        )
    arrears = next((t for t in context["tables"] if t.key == "arrears"), None)
    if arrears is not None:
        owed = [f"{formats.number_format(row[-1], 2, force_grouping=True)} {row[1]}" for row in arrears.totals]
        figures.append(
            {
                "label": _("Arrears (overdue)"),
                "value": " · ".join(owed) or "0",
                "detail": arrears.title,
                "anchor": "arrears",
            }
        )
    return figures


@staff_required
def staff_today(request):
    """What needs the staff member today: a count per queue of their role, each linking to its list."""
    needs = today.needs(request.user, now=timezone.localtime())
    return render(request, "portal/staff_today.html", {"needs": needs})


#: How long worked-out dashboard sections are kept at most. Changes through the portal replace
#: them at once (``common.figures``); this bounds what a change made around it could leave.
DASHBOARD_CACHE_SECONDS = 600
#: The permissions that decide which sections someone sees: people with the same ones see the
#: same sections, so they share the sections kept in the cache.
SECTION_PERMISSIONS = (
    "tenants.view_company",
    "residents.view_stagetransition",
    "tenants.view_application",
    "campus.view_allocation",
    "tenants.view_onboardingtask",
    "partners.view_referral",
    "advisory.view_review",
    "residents.view_servicerequest",
    "residents.view_invoice",
    "residents.view_booking",
)


@staff_required
def staff_dashboard(request):
    """KPIs of one campus over a period; each section shown to staff whose role may see its data.

    The sections of the default period are worked out once for a campus, day, language and set of
    permissions, and kept in the cache until a change to what they count (``common.figures``)."""
    campus = Campus.objects.order_by("name").first()
    if campus is None:
        return render(request, "portal/staff_dashboard.html", {"campus": None})
    user, today = request.user, timezone.localdate()
    sees_finance = user.has_perm("residents.view_invoice")
    start, end = kpis.default_period()
    month = today.replace(day=1)
    form = (FinanceFilter if sees_finance else DashboardFilter)(
        request.GET or None, initial={"campus": campus, "start": start, "end": end, "month": month}
    )
    if form.is_bound and form.is_valid():
        campus, start, end = form.cleaned_data["campus"], form.cleaned_data["start"], form.cleaned_data["end"]
        month = form.cleaned_data.get("month") or month
    period = {"start": start, "end": end, "month": month, "today": today}
    export = request.GET.get("export")
    if export:
        return _export(user, export, campus, **period)
    sees = frozenset(permission for permission in SECTION_PERMISSIONS if user.has_perm(permission))
    key = _figures_key("dashboard", campus, period, "".join("1" if p in sees else "0" for p in SECTION_PERMISSIONS))
    sections = cache.get(key) if key else None
    if sections is None:
        context = _sections(sees, campus, **period)
        query = {"campus": campus.pk, "start": start.isoformat(), "end": end.isoformat()}
        if sees_finance:
            query["month"] = f"{month:%Y-%m}"
        context["query"] = urlencode(query)
        html = render_to_string("portal/_dashboard_sections.html", context, request)
        sections = {"html": html, "at": timezone.now()}
        if key:
            cache.set(key, sections, DASHBOARD_CACHE_SECONDS)
    return render(request, "portal/staff_dashboard.html", {"form": form, "campus": campus, "sections": sections})


def _figures_key(kind: str, campus: Campus, period: dict, *parts: str) -> str | None:
    """The cache key of figures of ``campus`` over ``period``, in the page's language, as they
    stand now (``figures_generation``); None when they are not kept.

    Only the figures staff open every day are kept: the default period and month. Other periods
    are worked out at each view, so that no one can fill the cache by asking for many of them.
    """
    today = period["today"]
    if (period["start"], period["end"], period["month"]) != (*kpis.default_period(today), today.replace(day=1)):
        return None
    generation = figures_generation()
    if generation is None:
        return None
    return ":".join(
        [kind, str(generation), str(campus.pk), today.isoformat(), get_language(), get_script_prefix(), *parts]
    )


def _sections(sees: frozenset, campus: Campus, *, start, end, month, today) -> dict:
    """What the sections show to someone with the permissions ``sees``."""
    context = {"campus": campus, "start": start, "end": end, "tables": []}
    sees_companies, sees_stages = "tenants.view_company" in sees, "residents.view_stagetransition" in sees
    # Residents by country and stage: read once for the sections that count them.
    counts = kpis.resident_counts(campus) if sees_companies or sees_stages else None
    if sees_companies:
        context["residents"] = kpis.residents_target(campus, counts)
        context["tables"] += kpis.residents_breakdown(campus, today, counts)
        context["tables"].append(kpis.resident_outcomes(campus, today))
    if sees_stages:
        context["tables"].append(kpis.stage_pipeline(campus, counts))
    if "tenants.view_application" in sees:
        context["tables"].append(kpis.funnel(campus, start, end))
        context["median_days"] = kpis.median_days_to_decision(campus, start, end)
    if "campus.view_allocation" in sees:
        context["tables"] += kpis.occupancy(campus, today)
    if "tenants.view_onboardingtask" in sees:
        context["overdue"] = kpis.overdue_tasks(campus, today)
    if "partners.view_referral" in sees:
        context["tables"].append(kpis.referrals_by_partner(campus, start, end))
    if "advisory.view_review" in sees:
        context["tables"].append(kpis.pending_reviews(campus))
    if "residents.view_servicerequest" in sees:
        context["tables"].append(kpis.service_requests(campus, start, end))
    if "residents.view_invoice" in sees:
        context["tables"] += finance_kpis.finance(campus, month=month, start=start, end=end)
        context["finance_exports"] = {"campus": campus.pk, "start": start.isoformat(), "end": end.isoformat()}
    context["headlines"] = _headlines(context, campus, today)
    return context


#: The dashboard's tables by the key an export names: the permission that shows them and what
#: builds them (some build several tables at once), so an export computes its own section only.
EXPORTABLE = [
    (
        {"residents_by_country", "residents_by_area", "residents_by_stage"},
        "tenants.view_company",
        lambda c, a: kpis.residents_breakdown(c, a["today"], kpis.resident_counts(c)),
    ),
    ({"outcomes"}, "tenants.view_company", lambda c, a: [kpis.resident_outcomes(c, a["today"])]),
    (
        {"stage_pipeline"},
        "residents.view_stagetransition",
        lambda c, a: [kpis.stage_pipeline(c, kpis.resident_counts(c))],
    ),
    ({"funnel"}, "tenants.view_application", lambda c, a: [kpis.funnel(c, a["start"], a["end"])]),
    (
        {"occupancy_by_building", "occupancy_by_kind", "occupancy_by_month"},
        "campus.view_allocation",
        lambda c, a: kpis.occupancy(c, a["today"]),
    ),
    ({"referrals"}, "partners.view_referral", lambda c, a: [kpis.referrals_by_partner(c, a["start"], a["end"])]),
    ({"pending_reviews"}, "advisory.view_review", lambda c, a: [kpis.pending_reviews(c)]),
    (
        {"service_requests"},
        "residents.view_servicerequest",
        lambda c, a: [kpis.service_requests(c, a["start"], a["end"])],
    ),
    ({"rent_roll"}, "residents.view_invoice", lambda c, a: [finance_kpis.rent_roll(c, a["month"])]),
    ({"arrears"}, "residents.view_invoice", lambda c, a: [finance_kpis.arrears(c, a["end"])]),
    (
        {"revenue_by_building", "revenue_by_kind"},
        "residents.view_invoice",
        lambda c, a: finance_kpis.revenue_per_m2(c, a["start"], a["end"]),
    ),
    ({"paying_occupancy"}, "residents.view_invoice", lambda c, a: [finance_kpis.paying_occupancy(c, a["end"])]),
]


def _export(user, key: str, campus: Campus, **period) -> HttpResponse:
    """One dashboard table as CSV: built alone, shown to whom the dashboard shows it (else 404),
    and kept in the cache like the page's sections."""
    build = next((build for keys, permission, build in EXPORTABLE if key in keys and user.has_perm(permission)), None)
    if build is None:
        raise Http404
    filename = f"{campus.slug}-{key}.csv"
    cache_key = _figures_key("dashboard-export", campus, period, key)
    content = cache.get(cache_key) if cache_key else None
    if content is None:
        table = next((t for t in build(campus, period) if t.key == key), None)
        if table is None:
            raise Http404
        content = csv_download(filename, table.columns, getattr(table, "csv_rows", table.rows), stream=False).content
        if cache_key:
            cache.set(cache_key, content, DASHBOARD_CACHE_SECONDS)
    return csv_attachment(filename, content)


#: The accounting exports: their rows and columns, by the name in the URL.
FINANCE_EXPORTS = {
    "invoices": (exports.invoice_lines, exports.INVOICE_COLUMNS, _("Invoices")),
    "payments": (exports.payment_rows, exports.PAYMENT_COLUMNS, _("Payments")),
}


@staff_required
@permission_required("residents.view_invoice", raise_exception=True)
@require_GET
def finance_export(request, dataset: str, fmt: str):
    """Invoice lines or payments of a campus issued or received in a period, as CSV or Excel."""
    if dataset not in FINANCE_EXPORTS or fmt not in ("csv", "xlsx"):
        raise Http404
    form = DashboardFilter(request.GET)
    if not form.is_valid():
        problems = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
        return HttpResponseBadRequest("\n".join(problems), content_type="text/plain; charset=utf-8")
    campus, start, end = form.cleaned_data["campus"], form.cleaned_data["start"], form.cleaned_data["end"]
    rows_of, columns, title = FINANCE_EXPORTS[dataset]
    rows = rows_of(campus, start, end)
    filename = f"{campus.slug}-{dataset}-{start.isoformat()}-{end.isoformat()}.{fmt}"
    if fmt == "csv":
        return csv_download(filename, columns, rows)
    return xlsx_download(filename, title, columns, rows)


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
