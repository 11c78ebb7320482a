"""The finance sections of the staff dashboard: ``residents.reports`` as tables with a total row,
a labelled bar chart and a note saying what each figure counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from campus.models import Campus
from residents import reports

from .charts import Chart
from .kpis import Table


@dataclass
class FinanceTable(Table):
    """A dashboard table with a note on what it counts, total rows and a labelled chart."""

    help_text: str = ""
    totals: list[list] = field(default_factory=list)

    @property
    def csv_rows(self) -> list[list]:
        return self.rows + self.totals


def _currencies(values) -> str:
    return ", ".join(sorted(set(values)))


def rent_roll(campus: Campus, month: dt.date) -> FinanceTable:
    roll = reports.rent_roll(campus, month)
    projected = _("Projected")
    table = FinanceTable(
        "rent_roll",
        _("Rent roll, %(month)s") % {"month": formats.date_format(roll.month, "YEAR_MONTH_FORMAT")},
        [
            _("Company"),
            _("Spaces"),
            _("Area m²"),
            _("Rent per m²"),
            _("Monthly rent"),
            _("Subsidy"),
            _("Service charge"),
            _("Net"),
            _("Tax"),
            _("Gross"),
            _("Currency"),
            _("Source"),
        ],
        help_text=_(
            "One row per lease in force in the month. A month already invoiced shows its invoice's lines "
            "(source: the invoice's number); a month not yet invoiced is projected from the lease's terms "
            "(area, rates, yearly escalation, subsidies, the days it covers). Credit notes are not deducted "
            "here: they count in arrears and in revenue per m²."
        ),
    )
    for row in roll.rows:
        table.rows.append(
            [
                row.company,
                row.spaces,
                row.area_m2,
                row.rent_rate,
                row.rent,
                row.subsidy,
                row.service_charge,
                row.net,
                row.tax,
                row.gross,
                row.currency,
                row.invoice or projected,
            ]
        )
    for currency, total in roll.totals().items():
        amounts = [total[name] for name in ("rent", "subsidy", "service_charge", "net", "tax", "gross")]
        table.totals.append([_("Total"), "", total["area_m2"], "", *amounts, currency, ""])
    table.chart = Chart(
        _currencies(row.currency for row in roll.rows),
        [_("Net")],
        [(row.company, [row.net]) for row in roll.rows],
    )
    return table


def arrears(campus: Campus, on: dt.date) -> FinanceTable:
    rows, totals = reports.arrears(campus, on)
    buckets = reports.arrears_labels()
    table = FinanceTable(
        "arrears",
        _("Arrears by age on %(day)s") % {"day": formats.date_format(on)},
        [_("Company"), _("Currency"), _("Current (not yet due)"), *buckets, _("Overdue")],
        help_text=_(
            "What each company still owed on the day: invoices issued by then, less the payments received "
            "and the credit notes issued by then, by days past the due date. Invoices not yet due count "
            "as current and are not in the overdue total."
        ),
    )
    for target, source in ((table.rows, rows), (table.totals, totals)):
        target += [[row.company, row.currency, row.current, *row.buckets, row.overdue] for row in source]
    points = []
    if len(totals) == 1:
        (total,) = totals
        values = [total.current, *total.buckets]
        points = [(label, [value]) for label, value in zip([_("Current"), *buckets], values, strict=True)]
    table.chart = Chart(_currencies(total.currency for total in totals), [_("Open amount")], points)
    return table


def revenue_per_m2(campus: Campus, start: dt.date, end: dt.date) -> list[FinanceTable]:
    groups = reports.revenue_per_m2(campus, start, end)
    period = {"start": formats.date_format(start.replace(day=1), "YEAR_MONTH_FORMAT")}
    period["end"] = formats.date_format(end, "YEAR_MONTH_FORMAT")
    help_text = _(
        "Net revenue of the months invoiced in the period: rent less subsidies, plus service charge, less "
        "credit notes; tax excluded. Divided by the area those invoices leased, in m² × months (a space "
        "leased for half a month counts half). An invoice covering spaces in several buildings or of "
        "several kinds is shared among them by leased area."
    )
    tables = []
    for grouping, key, title, column in [
        ("building", "revenue_by_building", _("Revenue per m² by building, %(start)s – %(end)s"), _("Building")),
        ("kind", "revenue_by_kind", _("Revenue per m² by kind of space, %(start)s – %(end)s"), _("Kind of space")),
    ]:
        rows, totals = groups[grouping]
        table = FinanceTable(
            key,
            title % period,
            [column, _("Currency"), _("Net revenue"), _("Leased m² × months"), _("Revenue per m² per month")],
            help_text=help_text,
        )
        for target, source in ((table.rows, rows), (table.totals, totals)):
            target += [[row.group, row.currency, row.revenue, row.area_months, row.per_m2] for row in source]
        unit = _("%(currency)s/m²/month") % {"currency": _currencies(row.currency for row in rows)}
        table.chart = Chart(unit, [_("Revenue per m² per month")], [(row.group, [row.per_m2]) for row in rows])
        tables.append(table)
    return tables


def paying_occupancy(campus: Campus, on: dt.date) -> FinanceTable:
    rows, total = reports.paying_occupancy(campus, on)
    table = FinanceTable(
        "paying_occupancy",
        _("Leased and paying occupancy by building on %(day)s") % {"day": formats.date_format(on)},
        [_("Building"), _("Lettable m²"), _("Leased m²"), _("Occupancy %"), _("Paying m²"), _("Paying occupancy %")],
        help_text=_(
            "Lettable: the area of the building's spaces. Leased: the area of allocations under a lease in "
            "force on the day. Paying: leased area not in a rent-free month (the whole rent waived); a "
            "month with part of the rent waived counts as paying, since the company pays rent for it."
        ),
    )

    def cells(row) -> list:
        return [row.building, row.lettable_m2, row.leased_m2, row.occupancy, row.paying_m2, row.paying_occupancy]

    table.rows = [cells(row) for row in rows]
    table.totals = [cells(total)]
    table.chart = Chart(
        "%",
        [_("Occupancy %"), _("Paying occupancy %")],
        [(row.building, [row.occupancy, row.paying_occupancy]) for row in rows],
        decimals=1,
    )
    return table


def finance(campus: Campus, *, month: dt.date, start: dt.date, end: dt.date) -> list[FinanceTable]:
    """Every finance section: the rent roll of ``month``; arrears and occupancy on ``end``; revenue
    per m² from ``start`` to ``end``."""
    return [
        rent_roll(campus, month),
        arrears(campus, end),
        *revenue_per_m2(campus, start, end),
        paying_occupancy(campus, end),
    ]
