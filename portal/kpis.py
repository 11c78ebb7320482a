"""The figures of the staff dashboard: each a few aggregate queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from advisory.models import Review
from campus.choices import BusinessAreas, PlatformStages, SpaceKind
from campus.models import Allocation, Campus, Space
from partners.models import Referral
from residents.choices import RequestCategory
from residents.models import MilestoneReport, ServiceRequest, ServiceTarget, StageTransition
from residents.services.stages import campus_stages, stage_label
from residents.working_hours import working_hours_between
from tenants.choices import DECISIONS, ApplicationStatus
from tenants.models import Application, ApplicationTransition, Company, OnboardingTask, OutcomeSurvey

from .charts import Chart

# Rows a section shows on the page (a campus's rent roll has a row per lease: thousands); the rest
# are in its CSV, which the page links to and says so.
PAGE_ROWS = 40


@dataclass
class Table:
    """One section's data: rows whose first cell names the category, and the chart of some columns.

    ``series`` are the indexes of the columns drawn as bars (none: the section has no chart), in
    ``unit``; ``period`` says when the figures hold ("on 3 March 2026", "1 Jan 2026 – 31 Mar 2026").
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    unit: str = ""
    unit_one: str = ""
    period: str = ""
    series: tuple[int, ...] = (-1,)
    decimals: int = 0
    chart: Chart | None = None

    @property
    def page_rows(self) -> list[list]:
        """The rows the page shows: the first ``PAGE_ROWS``; the CSV has every row."""
        return self.rows[:PAGE_ROWS]

    @property
    def rows_left(self) -> int:
        """How many rows only the CSV has."""
        return max(0, len(self.rows) - PAGE_ROWS)

    @cached_property
    def graph(self) -> Chart | None:
        """The chart given, or bars of the ``series`` columns of each row the page shows (built
        once: the page draws it and summarises it twice)."""
        if self.chart is not None:
            return replace(self.chart, points=self.chart.points[:PAGE_ROWS])
        if not self.series:
            return None
        names = [str(self.columns[i]) for i in self.series]
        points = [(str(row[0]), [_number(row[i]) for i in self.series]) for row in self.page_rows]
        return Chart(str(self.unit), names, points, decimals=self.decimals, unit_one=str(self.unit_one))

    @property
    def summary(self) -> str:
        graph = self.graph
        return graph.summary(str(self.title), str(self.period)) if graph else str(self.title)


def _number(value):
    """A cell as a bar's value: "—" (no figure) draws no bar."""
    return value if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else None


def period_between(start: dt.date, end: dt.date) -> str:
    return _("%(start)s – %(end)s") % {"start": formats.date_format(start), "end": formats.date_format(end)}


def period_on(day: dt.date) -> str:
    return _("on %(day)s") % {"day": formats.date_format(day)}


def _period(field_name: str, start: dt.date, end: dt.date) -> Q:
    """``field_name`` (a date-time) on a day from ``start`` to ``end`` in the campus time zone.

    Written as a range of instants rather than ``__date__range`` so that an index on the column
    can serve it.
    """
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return Q(**{f"{field_name}__gte": first, f"{field_name}__lt": after})


def _count_rows(queryset, field_name: str, labels: dict | None = None) -> list[list]:
    rows = queryset.values(field_name).annotate(n=Count("pk", distinct=True)).order_by("-n", field_name)
    return [[(labels or {}).get(row[field_name], row[field_name]) or "—", row["n"]] for row in rows]


def resident_counts(campus: Campus) -> dict[tuple[str, str | None], int]:
    """The campus's residents by (country, platform stage): one grouped query that the residents'
    count, the sections by country and by stage, and the stage pipeline all read."""
    return {
        (country, stage): n
        for country, stage, n in Company.objects.residents()
        .filter(campus=campus)
        .values_list("country", "platform_stage")
        .annotate(n=Count("pk"))
        .order_by()
    }


def _resident_since_ranks(campus: Campus, ranks: set[int]) -> dict[int, dt.date | None]:
    """The day the ``n``-th resident (by ``resident_since``) became one, for each ``n`` of ``ranks``."""
    if not ranks:
        return {}
    ranked = (
        Company.objects.residents()
        .filter(campus=campus)
        .annotate(rank=Window(RowNumber(), order_by=F("resident_since").asc()))
        .filter(rank__in=ranks)
        .values_list("rank", "resident_since")
    )
    return dict(ranked)


def residents_target(campus: Campus, counts: dict | None = None) -> dict:
    """Residents today against the campus's targets: the date each was reached, or the shortfall."""
    counts = resident_counts(campus) if counts is None else counts
    count = sum(counts.values())
    targets = list(campus.targets.all())
    # The target's threshold-th resident reached it (a threshold of 0: the latest, as ever).
    rank_of = {target.pk: target.threshold if target.threshold > 0 else count for target in targets}
    reached_on = _resident_since_ranks(campus, {rank for rank in rank_of.values() if 0 < rank <= count})
    results = []
    for target in targets:
        reached = reached_on.get(rank_of[target.pk])
        results.append(
            {
                "target": target,
                "reached_on": reached,
                "on_time": bool(reached and reached <= target.due_on),
                "shortfall": max(0, target.threshold - count),
            }
        )
    return {"count": count, "targets": results}


def _tally(counts: dict, position: int, labels: dict) -> list[list]:
    """``counts`` summed by one part of their key, most first (then by code, no code last)."""
    totals: dict = {}
    for key, n in counts.items():
        totals[key[position]] = totals.get(key[position], 0) + n
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    return [[labels.get(code, code) or "—", n] for code, n in ordered]


def residents_breakdown(campus: Campus, today: dt.date, counts: dict | None = None) -> list[Table]:
    residents = Company.objects.residents().filter(campus=campus)
    counts = resident_counts(campus) if counts is None else counts
    units, period = {"unit": _("companies"), "unit_one": _("company")}, period_on(today)
    return [
        Table(
            "residents_by_country",
            _("Residents by country or region"),
            [_("Country or region"), _("Residents")],
            _tally(counts, 0, dict(countries)),
            period=period,
            **units,
        ),
        Table(
            "residents_by_area",
            _("Residents by business area"),
            [_("Business area"), _("Residents")],
            _count_rows(residents, "business_areas__code", dict(BusinessAreas.choices)),
            period=period,
            **units,
        ),
        Table(
            "residents_by_stage",
            _("Residents by platform stage"),
            [_("Platform stage"), _("Residents")],
            _tally(counts, 1, dict(PlatformStages.choices)),
            period=period,
            **units,
        ),
    ]


def _days_in_stages(campus: Campus) -> dict[str, list[float]]:
    """The days each company of the campus spent in each stage it has left, from its recorded moves.

    A stay begins with the move into the stage; the stage a company held before its first recorded
    move counts from the day it became a resident (a stay with no known beginning is left out).
    """
    tz = timezone.get_current_timezone()
    moves = (
        StageTransition.objects.filter(company__campus=campus)
        .order_by("company_id", "created_at", "pk")
        .values_list("company_id", "from_stage", "to_stage", "created_at", "company__resident_since")
    )
    stays: dict[str, list[float]] = {}
    company, entered = None, {}
    for company_id, from_stage, to_stage, moved_at, resident_since in moves:
        if company_id != company:
            company = company_id
            entered = (
                {from_stage: dt.datetime.combine(resident_since, dt.time.min, tzinfo=tz)} if resident_since else {}
            )
        if from_stage and from_stage in entered:
            stays.setdefault(from_stage, []).append((moved_at - entered[from_stage]).total_seconds() / 86400)
        entered = {to_stage: moved_at}
    return stays


def stage_pipeline(campus: Campus, counts: dict | None = None) -> Table:
    """Each platform stage of the campus: its residents today, their milestone reports waiting for
    review, and the median days companies spent in it before moving on. ``counts``: the campus's
    ``resident_counts`` when the page has them already."""
    residents: dict[str | None, int] = {}
    for (_country, stage), n in (resident_counts(campus) if counts is None else counts).items():
        residents[stage] = residents.get(stage, 0) + n
    waiting = dict(
        MilestoneReport.objects.waiting()
        .filter(company__campus=campus)
        .values_list("milestone__stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stays = _days_in_stages(campus)
    table = Table(
        "stage_pipeline",
        _("Platform stages: residents, milestones pending review, median days in the stage"),
        [_("Platform stage"), _("Residents"), _("Milestones pending review"), _("Median days in the stage")],
        unit=_("companies"),
        unit_one=_("company"),
        period=period_on(timezone.localdate()),
        series=(1,),  # the other columns count reports and days: the table shows them
    )
    for code in campus_stages(campus):
        days = stays.get(code)
        median = round(statistics.median(days), 1) if days else None
        table.rows.append([stage_label(code), residents.get(code, 0), waiting.get(code, 0), median])
    return table


def funnel(campus: Campus, start: dt.date, end: dt.date) -> Table:
    """Applications submitted in the period, by intake batch, and how far they got."""

    def reached(status: str) -> Count:
        # An EXISTS per application (index-backed) rather than a join that repeats each application
        # once per transition and then counts it distinctly.
        moved = ApplicationTransition.objects.filter(application=OuterRef("pk"), to_status=status)
        return Count("pk", filter=Q(Exists(moved)))

    rows = (
        Application.objects.filter(_period("submitted_at", start, end), campus=campus)
        .values("intake_batch__name")
        .annotate(
            submitted=Count("pk"),
            screened=reached(ApplicationStatus.SCREENING),
            reviewed=reached(ApplicationStatus.COMMITTEE_REVIEW),
            approved=reached(ApplicationStatus.APPROVED),
        )
        .order_by("intake_batch__name")
    )
    table = Table(
        "funnel",
        _("Application funnel by intake batch"),
        [_("Intake batch"), _("Submitted"), _("Screened"), _("Reviewed"), _("Approved"), _("Conversion %")],
        unit=_("applications"),
        unit_one=_("application"),
        period=_("submitted %(period)s") % {"period": period_between(start, end)},
        series=(1, 2, 3, 4),
    )
    for row in rows:
        conversion = round(100 * row["approved"] / row["submitted"], 1) if row["submitted"] else 0.0
        table.rows.append(
            [
                row["intake_batch__name"] or _("No batch yet"),
                row["submitted"],
                row["screened"],
                row["reviewed"],
                row["approved"],
                conversion,
            ]
        )
    return table


def median_days_to_decision(campus: Campus, start: dt.date, end: dt.date) -> float | None:
    # decided_at also marks a withdrawal (the end of the application); only decisions count here.
    pairs = Application.objects.filter(
        _period("decided_at", start, end), campus=campus, status__in=DECISIONS, submitted_at__isnull=False
    ).values_list("submitted_at", "decided_at")
    days = [(decided - submitted).total_seconds() / 86400 for submitted, decided in pairs]
    return round(statistics.median(days), 1) if days else None


def _months_before(today: dt.date) -> list[dt.date]:
    """The first day of ``today``'s month and of the eleven before it, oldest first."""
    months = [today.replace(day=1)]
    for _step in range(11):
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return months


def _active_on(day: dt.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def occupancy(campus: Campus, today: dt.date) -> list[Table]:
    """Allocated m² ÷ total m², by building and by kind today, and month by month for a year.

    Two queries: the spaces' area and the allocated area (today, and on the first day of each of
    the twelve months), each grouped by building and kind at once; the tables add them up.
    """
    months = _months_before(today)
    areas = (
        Space.objects.filter(building__campus=campus)
        .values_list("building__code", "kind")
        .annotate(total=Sum("area_m2"))
        .order_by()
    )
    allocated = (
        Allocation.objects.filter(space__building__campus=campus)
        .values_list("space__building__code", "space__kind")
        .annotate(
            today=Sum("area_m2", filter=_active_on(today)),
            **{f"m{i}": Sum("area_m2", filter=_active_on(month)) for i, month in enumerate(months)},
        )
        .order_by()
    )
    totals: list[dict] = [{}, {}]  # by building, by kind
    used: list[dict] = [{}, {}]
    for building, kind, total in areas:
        for grouping, group in enumerate((building, kind)):
            totals[grouping][group] = totals[grouping].get(group, 0) + total
    per_month = [0] * len(months)
    for building, kind, today_m2, *monthly_m2 in allocated:
        for grouping, group in enumerate((building, kind)):
            if today_m2 is not None:
                used[grouping][group] = used[grouping].get(group, 0) + today_m2
        for i, area in enumerate(monthly_m2):
            per_month[i] += area or 0
    tables = []
    for grouping, (key, title) in enumerate(
        [
            ("occupancy_by_building", _("Occupancy by building today")),
            ("occupancy_by_kind", _("Occupancy by kind of space today")),
        ]
    ):
        columns = [_("Group"), _("Allocated m²"), _("Total m²"), _("Occupancy %")]
        table = Table(key, title, columns, unit="%", period=period_on(today), decimals=1)
        labels = dict(SpaceKind.choices) if grouping == 1 else {}
        for group, total in sorted(totals[grouping].items(), key=lambda item: str(item[0])):
            allocated_m2 = used[grouping].get(group) or Decimal(0)
            share = round(float(100 * allocated_m2 / total), 1) if total else 0.0
            table.rows.append([labels.get(group, group), allocated_m2, total, share])
        tables.append(table)
    total_area = sum(totals[0].values()) or Decimal(0)
    monthly = Table(
        "occupancy_by_month",
        _("Occupancy month by month"),
        [_("Month"), _("Allocated m²"), _("Occupancy %")],
        unit="%",
        period=_("on the first day of each month"),
        decimals=1,
    )
    for month, allocated_m2 in zip(months, per_month, strict=True):
        allocated_m2 = allocated_m2 or Decimal(0)
        share = round(float(100 * allocated_m2 / total_area), 1) if total_area else 0.0
        monthly.rows.append([month.strftime("%Y-%m"), allocated_m2, share])
    tables.append(monthly)
    return tables


def overdue_tasks(campus: Campus, today: dt.date) -> dict:
    overdue = OnboardingTask.objects.overdue(today).filter(plan__campus=campus)
    return {
        "count": overdue.count(),
        "oldest": list(overdue.select_related("plan__company").order_by("due_on")[:10]),
    }


def referrals_by_partner(campus: Campus, start: dt.date, end: dt.date) -> Table:
    """Referrals each partner may count as its own: those that started their application or that the
    applicant confirmed (a referral waiting for, or refused by, the applicant credits nobody)."""
    rows = (
        Referral.objects.linked()
        .filter(_period("created_at", start, end), application__campus=campus)
        .values("partner__name")
        .annotate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(application__status=ApplicationStatus.APPROVED)),
            rejected=Count("pk", filter=Q(application__status=ApplicationStatus.REJECTED)),
        )
        .order_by("-total", "partner__name")
    )
    table = Table(
        "referrals",
        _("Referrals per partner"),
        [_("Partner"), _("Approved"), _("Rejected"), _("Referrals")],
        unit=_("referrals"),
        unit_one=_("referral"),
        period=period_between(start, end),
    )
    table.rows = [[r["partner__name"], r["approved"], r["rejected"], r["total"]] for r in rows]
    return table


def pending_reviews(campus: Campus) -> Table:
    rows = (
        Review.objects.pending()
        .filter(application__campus=campus)
        .values("member__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "member__name")
    )
    table = Table(
        "pending_reviews",
        _("Pending reviews per advisory member"),
        [_("Member"), _("Pending reviews")],
        unit=_("reviews"),
        unit_one=_("review"),
        period=period_on(timezone.localdate()),
    )
    table.rows = [[r["member__name"], r["n"]] for r in rows]
    return table


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=365), today


def resident_outcomes(campus: Campus, today: dt.date) -> Table:
    """The latest answered outcome survey of each resident, next to the space it occupies today."""
    answered = OutcomeSurvey.objects.filter(company__campus=campus, answered_at__isnull=False)
    surveys = list(answered.select_related("company").order_by("company__name", "-year"))
    # The space of the companies that answered only (none answered: no query).
    space = (
        dict(
            Allocation.objects.filter(space__building__campus=campus, company__in=answered.values("company_id"))
            .active_on(today)
            .values_list("company_id")
            .annotate(area=Sum("area_m2"))
            .order_by()
        )
        if surveys
        else {}
    )
    table = Table(
        "outcomes",
        _("Resident outcomes and the space they occupy"),
        [
            _("Company"),
            _("Year"),
            _("People"),
            _("Funding (USD)"),
            _("Patents"),
            _("Clinical trials"),
            _("Products launched"),
            _("m² occupied"),
        ],
        # Head count is the one figure every answered survey has (a company that moved out occupies
        # no m², and funding is in another scale); the table has the rest.
        unit=_("people"),
        unit_one=_("person"),
        series=(2,),
        period=_("latest answered survey; space on %(day)s") % {"day": formats.date_format(today)},
    )
    seen = set()
    for survey in surveys:
        if survey.company_id in seen:
            continue
        seen.add(survey.company_id)
        table.rows.append(
            [
                survey.company.name,
                str(survey.year),  # a label, not a quantity: never "2,026"
                survey.head_count,
                survey.funding_raised,
                survey.patents_filed,
                survey.clinical_trials_started,
                survey.products_launched,
                space.get(survey.company_id, 0),
            ]
        )
    return table


def _median(values: list[float]) -> float | str:
    return round(statistics.median(values), 1) if values else "—"


def service_requests(campus: Campus, start: dt.date, end: dt.date) -> Table:
    """Requests raised in the period per category: how many, and the median working hours to the first
    response and to resolution (the clock stopped while waiting for the company) against the targets."""
    rows = ServiceRequest.objects.filter(_period("created_at", start, end), campus=campus).values_list(
        "category",
        "created_at",
        "first_response_at",
        "resolved_at",
        "paused_hours",
        "resolution_target_hours",
    )
    responses: dict[str, list[float]] = {category: [] for category in RequestCategory.values}
    resolutions: dict[str, list[float]] = {category: [] for category in RequestCategory.values}
    on_time: dict[str, int] = dict.fromkeys(RequestCategory.values, 0)
    volume: dict[str, int] = dict.fromkeys(RequestCategory.values, 0)
    for category, created, responded, resolved, paused, target in rows:
        volume[category] += 1
        if responded:
            responses[category].append(working_hours_between(created, responded))
        if resolved:
            hours = max(0.0, working_hours_between(created, resolved) - paused)
            resolutions[category].append(hours)
            on_time[category] += hours <= target
    targets = ServiceTarget.objects.table(campus.pk)
    table = Table(
        "service_requests",
        _("Service requests by category against targets (working hours)"),
        [
            _("Category"),
            _("Median to first response"),
            _("First response target"),
            _("Median to resolution"),
            _("Resolution target"),
            _("Resolved within target %"),
            _("Requests"),
        ],
        unit=_("requests"),
        unit_one=_("request"),
        period=_("raised %(period)s") % {"period": period_between(start, end)},
    )
    for category, label in RequestCategory.choices:
        resolved = len(resolutions[category])
        table.rows.append(
            [
                label,
                _median(responses[category]),
                targets[category][0],
                _median(resolutions[category]),
                targets[category][1],
                round(100 * on_time[category] / resolved, 1) if resolved else "—",
                volume[category],
            ]
        )
    return table


def quarter_start(day: dt.date) -> dt.date:
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def applications_this_quarter(campus: Campus, today: dt.date) -> int:
    """Applications submitted from the first day of ``today``'s calendar quarter to ``today``."""
    return Application.objects.filter(_period("submitted_at", quarter_start(today), today), campus=campus).count()


def next_target(residents: dict) -> dict | None:
    """Of ``residents_target``'s rows, the first target not reached yet, or else the last one."""
    rows = residents["targets"]
    return next((row for row in rows if not row["reached_on"]), rows[-1] if rows else None)


def occupancy_today(tables: list[Table]) -> float | None:
    """Allocated ÷ total m² of the whole campus today, from the occupancy-by-building rows."""
    table = next((t for t in tables if t.key == "occupancy_by_building"), None)
    total = sum((row[2] for row in table.rows), Decimal(0)) if table else 0
    if not total:
        return None
    return round(float(100 * sum((row[1] for row in table.rows), Decimal(0)) / total), 1)
