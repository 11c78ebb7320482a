"""What a lease costs in a calendar month: the one rule invoices, the company's page and the
figures share. Pure: it reads the lease, its allocations and its subsidies (prefetched or not)
and writes nothing.

The rule, line by line:

- **Lease months and years** count from the lease's first day: month 1 runs from ``starts_on``
  to the day before the same day a month later (clamped to a month's last day: a lease starting
  on 31 January has its month 2 start on 28 or 29 February). Lease year ``y`` (from 0) is
  months ``12y+1``..``12y+12``.
- **Rent** of a day is ``area × rate × (1 + escalation/100)^y / days in the calendar month``:
  the yearly escalation compounds and applies from the first day of each full lease year.
  The area of a day is the sum of the lease's allocations on that day.
- **Service charge** is ``area × service rate / days in the month`` a day, never escalated nor waived.
- **Subsidies** waive a percentage of the rent of the lease months they cover, shown as a negative
  line; when two subsidies cover one month the larger percentage counts.
- **Proration**: a month the lease covers only in part (its first and last, or a termination)
  is billed for its days only; a full month costs exactly the monthly amount.
- **Rounding**: each line (days with the same area, rate and subsidy) is computed exactly in
  Decimal and rounded once, to the fen (0.01), ``ROUND_HALF_UP``; its tax likewise, from the
  rounded line. Totals are sums of rounded lines, so a printed invoice adds up.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

FEN = Decimal("0.01")
HUNDRED = Decimal("100")


class LineKind(models.TextChoices):
    RENT = "rent", _("Rent")
    SUBSIDY = "subsidy", _("Rent subsidy")
    SERVICE_CHARGE = "service_charge", _("Service charge")
    BOOKING = "booking", _("Booking")
    CORRECTION = "correction", _("Correction")


@dataclass(frozen=True)
class MonthLine:
    """One line of a month's amounts: ``days`` of the month's ``days_in_month`` at ``rate`` per m²
    (or a booking's hours at ``rate`` per hour, ``residents.services.booking_charges``)."""

    kind: str
    first_day: dt.date
    last_day: dt.date
    days: int
    days_in_month: int
    area_m2: Decimal
    rate: Money
    percent: Decimal | None  # the subsidy's share of the rent waived
    net: Money
    tax_percent: Decimal
    tax: Money
    description: str = ""  # a booking's resource and time; the kind says the rest

    @property
    def gross(self) -> Money:
        return self.net + self.tax

    @property
    def label(self) -> str:
        return LineKind(self.kind).label


def to_fen(amount: Decimal) -> Decimal:
    """Round to the fen, half up (2.345 → 2.35, -2.345 → -2.35)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def add_months(day: dt.date, months: int) -> dt.date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def lease_month_index(starts_on: dt.date, day: dt.date) -> int:
    """The lease month ``day`` falls in, from 0 (month 1 of the lease is index 0)."""
    index = (day.year - starts_on.year) * 12 + day.month - starts_on.month
    return index - 1 if add_months(starts_on, index) > day else index


def lease_month_count(starts_on: dt.date, ends_on: dt.date) -> int:
    """How many lease months (the last possibly partial) a term has."""
    return lease_month_index(starts_on, ends_on) + 1


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def waived_percent(subsidies, month_number: int) -> Decimal:
    """The share of the rent waived in lease month ``month_number`` (from 1): the largest subsidy covering it."""
    return max((s.percent for s in subsidies if s.from_month <= month_number <= s.to_month), default=Decimal("0"))


def lease_month_amounts(lease, month: dt.date) -> list[MonthLine]:
    """The lines of the calendar month holding ``month`` for ``lease``: rent, subsidies, service charge."""
    first, last = month_bounds(month)
    start, end = max(first, lease.starts_on), min(last, lease.last_day)
    if start > end:
        return []
    allocations = list(lease.allocations.all())
    subsidies = list(lease.subsidies.all())
    days = []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        index = lease_month_index(lease.starts_on, day)
        area = sum((a.area_m2 for a in allocations if a.starts_on <= day <= (a.ends_on or day)), Decimal("0"))
        waived = waived_percent(subsidies, index + 1)
        days.append((day, index // 12, area, waived))
    context = {"days_in_month": last.day, "currency": lease.rent_rate.currency}
    escalation = Decimal("1") + lease.escalation_percent / HUNDRED
    lines = []
    for (year, area), run in _runs(days, lambda d: (d[1], d[2])):
        rate = lease.rent_rate.amount * escalation**year
        lines.append(_line(LineKind.RENT, run, area, rate, None, lease.rent_tax_percent, **context))
    for (year, area, waived), run in _runs(days, lambda d: (d[1], d[2], d[3])):
        if waived:
            rate = lease.rent_rate.amount * escalation**year
            lines.append(_line(LineKind.SUBSIDY, run, area, rate, waived, lease.rent_tax_percent, **context))
    for (area,), run in _runs(days, lambda d: (d[2],)):
        rate = lease.service_charge_rate.amount
        lines.append(_line(LineKind.SERVICE_CHARGE, run, area, rate, None, lease.service_tax_percent, **context))
    return [line for line in lines if line.area_m2 > 0]


def _runs(days: list, key) -> list[tuple[tuple, list]]:
    """Consecutive days sharing ``key``."""
    return [(group_key, list(group)) for group_key, group in groupby(days, key=key)]


def _line(kind, run, area, rate, percent, tax_percent, *, days_in_month, currency) -> MonthLine:
    exact = area * rate * len(run) / days_in_month
    if percent is not None:
        exact = -exact * percent / HUNDRED
    net = to_fen(exact)
    return MonthLine(
        kind=kind,
        first_day=run[0][0],
        last_day=run[-1][0],
        days=len(run),
        days_in_month=days_in_month,
        area_m2=area,
        rate=Money(rate, currency),
        percent=percent,
        net=Money(net, currency),
        tax_percent=tax_percent,
        tax=Money(to_fen(net * tax_percent / HUNDRED), currency),
    )


def lines_total(lines: list[MonthLine]) -> tuple[Decimal, Decimal]:
    """The sum of the lines' net amounts and of their taxes (already rounded, so exact)."""
    return sum((line.net.amount for line in lines), Decimal("0")), sum(
        (line.tax.amount for line in lines), Decimal("0")
    )
