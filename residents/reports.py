"""The campus's finance figures, read from leases, invoices and payments; nothing here writes.

- ``rent_roll``: what each lease in force bills in a month: the lines of its invoice when the
  month is invoiced, else the month's amounts worked out by ``residents.rent``.
- ``arrears``: what companies owe on a day, by how long it has been past due.
- ``revenue_per_m2``: net revenue of a period's invoiced months per leased m² and month, by
  building and by kind of space.
- ``paying_occupancy``: leased area against lettable area on a day, with and without the area
  in a rent-free month.

Each is a fixed number of queries, whatever the number of leases or invoices. Amounts are
``Decimal`` in the invoices' or leases' currency; a table with several currencies has a total per
currency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from campus.choices import SpaceKind
from campus.models import Allocation, Campus, Space

from .choices import ARREARS_BUCKETS, InvoiceKind
from .models import Invoice, InvoiceLine, Lease, LeaseSubsidy, PaymentAllocation
from .rent import FEN, LineKind, lease_month_amounts, lease_month_index, month_bounds, waived_percent
from .selectors import leases_in_force

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def _amount(value) -> Decimal:
    """A line's amount, whether a ``Money`` (worked out) or a ``Decimal`` (invoiced)."""
    return getattr(value, "amount", value)


def _overlap(start: dt.date, end: dt.date | None, first: dt.date, last: dt.date) -> int:
    """Days ``start``..``end`` (None: open) shares with ``first``..``last``."""
    return max(0, (min(end or last, last) - max(start, first)).days + 1)


# --- Rent roll -------------------------------------------------------------------------------


@dataclass
class RentRollRow:
    company: str
    spaces: str
    area_m2: Decimal
    rent_rate: Decimal  # per m² a month, escalated as billed
    rent: Decimal
    subsidy: Decimal  # ≤ 0
    service_charge: Decimal
    net: Decimal
    tax: Decimal
    currency: str
    invoice: str = ""  # the invoice's number; empty when projected

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


AMOUNT_FIELDS = ("rent", "subsidy", "service_charge", "net", "tax")


@dataclass
class RentRoll:
    month: dt.date
    rows: list[RentRollRow] = field(default_factory=list)

    def totals(self) -> dict[str, dict[str, Decimal]]:
        """Per currency: area and each amount, summed."""
        totals: dict[str, dict[str, Decimal]] = {}
        for row in self.rows:
            total = totals.setdefault(row.currency, dict.fromkeys(("area_m2", *AMOUNT_FIELDS, "gross"), ZERO))
            for name in total:
                total[name] += getattr(row, name)
        return totals


def rent_roll(campus: Campus, month: dt.date) -> RentRoll:
    """Each lease in force in ``month``: from its invoice's lines when the month is invoiced,
    projected by ``lease_month_amounts`` when it is not (credit notes are left to the ledger).

    Invoiced months are read as plain values (the lines, the spaces); only leases still to project
    are loaded with their allocations and subsidies, which ``lease_month_amounts`` needs."""
    first, last = month_bounds(month)
    in_force = leases_in_force(campus, first, last)
    leases = list(
        in_force.order_by("company__name", "starts_on", "pk").values_list(
            "pk", "company__name", "starts_on", "ends_on", "terminated_on"
        )
    )
    month_invoices = Invoice.objects.filter(campus=campus, kind=InvoiceKind.INVOICE, period=first, lease__isnull=False)
    invoices = {
        lease_id: (Invoice.format_number(prefix, year, number), currency)
        for lease_id, prefix, year, number, currency in month_invoices.values_list(
            "lease_id", "prefix", "year", "number", "currency"
        )
    }
    lines: dict[int, list[_Line]] = {}
    for lease_id, *values in (
        InvoiceLine.objects.filter(
            invoice__campus=campus,
            invoice__kind=InvoiceKind.INVOICE,
            invoice__period=first,
            invoice__lease__isnull=False,
        )
        .order_by("invoice_id", "position")
        .values_list("invoice__lease_id", "kind", "last_day", "area_m2", "rate", "net", "tax")
    ):
        lines.setdefault(lease_id, []).append(_Line(*values))
    spaces: dict[int, list[tuple]] = {}
    for lease_id, *values in (
        Lease.allocations.through.objects.filter(lease__in=in_force.values("pk"))
        .order_by("allocation__space__building__code", "allocation__space__code")
        .values_list(
            "lease_id",
            "allocation__starts_on",
            "allocation__ends_on",
            "allocation__space__building__code",
            "allocation__space__code",
        )
    ):
        spaces.setdefault(lease_id, []).append(values)
    projected = {
        lease.pk: lease
        for lease in in_force.exclude(pk__in=month_invoices.values("lease_id"))
        .select_related("company")
        .prefetch_related("allocations", "subsidies")
    }
    roll = RentRoll(month=first)
    for pk, company, starts_on, ends_on, terminated_on in leases:
        invoice = invoices.get(pk)
        if invoice:
            month_lines, (number, currency) = lines.get(pk, []), invoice
        else:
            lease = projected[pk]
            month_lines, number, currency = lease_month_amounts(lease, first), "", lease.rent_rate.currency.code
        if not month_lines:
            continue
        start, end = max(first, starts_on), min(last, terminated_on or ends_on)
        names = [
            f"{building}-{code}"
            for a_start, a_end, building, code in spaces.get(pk, [])
            if _overlap(a_start, a_end, start, end)
        ]
        roll.rows.append(_roll_row(company, month_lines, names, currency, number))
    return roll


@dataclass(frozen=True)
class _Line:
    """An invoice line as the rent roll reads it."""

    kind: str
    last_day: dt.date
    area_m2: Decimal
    rate: Decimal
    net: Decimal
    tax: Decimal


def _roll_row(company: str, lines: list, spaces: list[str], currency: str, invoice: str) -> RentRollRow:
    def total(*kinds) -> Decimal:
        return sum((_amount(line.net) for line in lines if line.kind in kinds), ZERO)

    rents = sorted((line for line in lines if line.kind == LineKind.RENT), key=lambda line: line.last_day)
    last_rent = rents[-1] if rents else None
    return RentRollRow(
        company=company,
        spaces=", ".join(spaces),
        area_m2=last_rent.area_m2 if last_rent else ZERO,
        rent_rate=_amount(last_rent.rate).quantize(FEN) if last_rent else ZERO,
        rent=total(LineKind.RENT),
        subsidy=total(LineKind.SUBSIDY),
        service_charge=total(LineKind.SERVICE_CHARGE),
        net=sum((_amount(line.net) for line in lines), ZERO),
        tax=sum((_amount(line.tax) for line in lines), ZERO),
        currency=currency,
        invoice=invoice,
    )


# --- Arrears ---------------------------------------------------------------------------------


def arrears_labels() -> list[str]:
    """ "0–30 days", ..., "over 90 days": one per ``ARREARS_BUCKETS``."""
    labels = []
    for low, high in ARREARS_BUCKETS:
        if high is None:
            labels.append(_("over %(days)s days") % {"days": low - 1})
        else:
            labels.append(_("%(low)s–%(high)s days") % {"low": low, "high": high})
    return labels


def arrears_bucket(days_past_due: int) -> int:
    """The index in ``ARREARS_BUCKETS`` of an amount ``days_past_due`` (≥ 0) days past its due date."""
    for index, (low, high) in enumerate(ARREARS_BUCKETS):
        if low <= days_past_due and (high is None or days_past_due <= high):
            return index
    raise ValueError(f"{days_past_due} days past due is in no arrears bucket")


@dataclass
class ArrearsRow:
    company: str
    currency: str
    current: Decimal = ZERO  # open, not yet due
    buckets: list[Decimal] = field(default_factory=lambda: [ZERO] * len(ARREARS_BUCKETS))

    @property
    def overdue(self) -> Decimal:
        return sum(self.buckets, ZERO)


def _fen(total: Decimal | None) -> Decimal:
    return ZERO if total is None else total.quantize(FEN)


def arrears(campus: Campus, on: dt.date) -> tuple[list[ArrearsRow], list[ArrearsRow]]:
    """What each company owed on ``on`` (invoices issued by then, less credit notes and payments by
    then), by days past due; the open amount of invoices not yet due is ``current``. Returns the
    companies' rows and one total row per currency."""
    # The invoices that may be owed on the day (by index) and what was paid and credited of them
    # by then: no work for the invoices settled before it.
    candidates = Invoice.objects.unsettled(on).filter(campus=campus, issued_on__lte=on)
    ids = candidates.values("pk")
    paid = dict(
        PaymentAllocation.objects.filter(invoice__in=ids, payment__received_on__lte=on)
        .values_list("invoice_id")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    open_invoices = []
    # Credit notes are rare: looked up by index for each invoice, in the same query.
    credited = (
        Invoice.objects.filter(credits=OuterRef("pk"), issued_on__lte=on)
        .values("credits")
        .annotate(s=Sum("total"))
        .values("s")
    )
    for pk, company_id, name, currency, due_on, total, credit in (
        candidates.annotate(credited=Subquery(credited, output_field=DecimalField(max_digits=14, decimal_places=2)))
        .order_by("company__name", "company_id", "currency")
        .values_list("pk", "company_id", "company__name", "currency", "due_on", "total", "credited")
    ):
        # To the fen: SQLite adds decimals as floating point numbers (exact on PostgreSQL).
        amount = (total + _fen(credit) - _fen(paid.get(pk))).quantize(FEN)
        if amount > 0:
            open_invoices.append((company_id, name, currency, due_on, amount))
    rows: dict[tuple, ArrearsRow] = {}
    totals: dict[str, ArrearsRow] = {}
    for company_id, name, currency, due_on, amount in open_invoices:
        for row in (
            rows.setdefault((company_id, currency), ArrearsRow(name, currency)),
            totals.setdefault(currency, ArrearsRow(str(_("Total")), currency)),
        ):
            if due_on > on:
                row.current += amount
            else:
                row.buckets[arrears_bucket((on - due_on).days)] += amount
    return list(rows.values()), list(totals.values())


# --- Revenue per m² --------------------------------------------------------------------------

#: Lines that are the lease's revenue: rent less subsidies, service charge, and the corrections of
#: credit notes. Tax is not revenue; bookings are not the lease's.
REVENUE_LINES = (LineKind.RENT, LineKind.SUBSIDY, LineKind.SERVICE_CHARGE, LineKind.CORRECTION)


@dataclass
class RevenueRow:
    group: str
    currency: str
    revenue: Decimal = ZERO
    area_months: Decimal = ZERO  # m² × months leased

    @property
    def per_m2(self) -> Decimal | None:
        """Revenue per m² and month, to the fen (None without leased area)."""
        return (self.revenue / self.area_months).quantize(FEN) if self.area_months else None


def revenue_per_m2(
    campus: Campus, start: dt.date, end: dt.date
) -> dict[str, tuple[list[RevenueRow], list[RevenueRow]]]:
    """Net revenue of the months from ``start``'s to ``end``'s that leases were invoiced for (their
    invoices and the credit notes correcting them) ÷ the m² × months those invoices leased, by
    building (``"building"``) and by kind of space (``"kind"``): the rows, and a total per currency.

    An invoice bills a lease, not a space: its revenue is shared among the lease's spaces in
    proportion to their leased m² × days in the month, which is also the area counted.
    """
    first = start.replace(day=1)
    invoiced = InvoiceLine.objects.filter(
        invoice__campus=campus, invoice__lease__isnull=False, invoice__period__range=(first, end)
    ).filter(kind__in=REVENUE_LINES)
    months = (
        invoiced.values_list("invoice__lease_id", "invoice__period", "invoice__currency")
        .annotate(net=Sum("net"))
        .order_by()
    )
    # The campus's leases' terms and spaces as plain values (one row per lease, per allocation):
    # found by the campus's index, where the leases invoiced in the period would need the lines.
    terms = {
        pk: (starts_on, terminated_on or ends_on)
        for pk, starts_on, ends_on, terminated_on in Lease.objects.filter(campus=campus).values_list(
            "pk", "starts_on", "ends_on", "terminated_on"
        )
    }
    spaces: dict[int, list[tuple]] = {}
    for lease_id, *allocation in (
        Lease.allocations.through.objects.filter(lease__campus=campus)
        .order_by("allocation__space", "allocation__starts_on", "allocation_id")
        .values_list(
            "lease_id",
            "allocation__starts_on",
            "allocation__ends_on",
            "allocation__area_m2",
            "allocation__space__building__code",
            "allocation__space__kind",
        )
    ):
        spaces.setdefault(lease_id, []).append(allocation)
    kinds = {kind: str(label) for kind, label in SpaceKind.choices}
    groups: dict[str, dict[tuple, RevenueRow]] = {"building": {}, "kind": {}}
    for lease_id, period, currency, net in months:
        allocations = spaces.get(lease_id, [])
        shares = _area_months(terms[lease_id], allocations, period)
        leased = sum(shares, Decimal("0"))
        for (_start, _end, _area, building, kind), area_months in zip(allocations, shares, strict=True):
            share = area_months / leased if leased else 1 / Decimal(len(shares))
            for grouping, label in (("building", building), ("kind", kinds.get(kind, kind))):
                row = groups[grouping].get((label, currency))
                if row is None:
                    row = groups[grouping][label, currency] = RevenueRow(str(label), currency)
                row.revenue += net * share
                row.area_months += area_months
    return {grouping: _with_totals(rows.values()) for grouping, rows in groups.items()}


def _area_months(term: tuple[dt.date, dt.date], allocations: list[tuple], period: dt.date) -> list[Decimal]:
    """Each allocation of a lease (``term``: its first and last day billed): its m² × the share
    of the month ``period`` the lease had it."""
    first, last = month_bounds(period)
    start, end = max(first, term[0]), min(last, term[1])
    return [area * _overlap(a_start, a_end, start, end) / last.day for a_start, a_end, area, *_space in allocations]


def _with_totals(rows) -> tuple[list[RevenueRow], list[RevenueRow]]:
    rows = sorted(rows, key=lambda row: (row.currency, row.group))
    totals: dict[str, RevenueRow] = {}
    for row in rows:
        total = totals.setdefault(row.currency, RevenueRow(str(_("Total")), row.currency))
        total.revenue += row.revenue
        total.area_months += row.area_months
    for row in [*rows, *totals.values()]:
        row.revenue, row.area_months = row.revenue.quantize(FEN), row.area_months.quantize(FEN)
    return rows, list(totals.values())


# --- Occupancy, paying or not ----------------------------------------------------------------


@dataclass(frozen=True)
class _Subsidy:
    from_month: int
    to_month: int
    percent: Decimal


@dataclass
class OccupancyRow:
    building: str
    lettable_m2: Decimal = ZERO
    leased_m2: Decimal = ZERO
    paying_m2: Decimal = ZERO  # leased, and not in a month of 100% rent waived

    @staticmethod
    def _share(area: Decimal, total: Decimal) -> Decimal:
        return (HUNDRED * area / total).quantize(Decimal("0.1")) if total else Decimal("0.0")

    @property
    def occupancy(self) -> Decimal:
        return self._share(self.leased_m2, self.lettable_m2)

    @property
    def paying_occupancy(self) -> Decimal:
        return self._share(self.paying_m2, self.lettable_m2)


def paying_occupancy(campus: Campus, on: dt.date) -> tuple[list[OccupancyRow], OccupancyRow]:
    """Per building on ``on``: the area of its spaces (lettable), the part leased, and the part
    leased in a month that is not wholly rent-free (paying: a subsidy below 100% still pays); and
    the campus's total."""
    rows = {
        code: OccupancyRow(code, lettable_m2=area.quantize(FEN))
        for code, area in Space.objects.filter(building__campus=campus)
        .values_list("building__code")
        .annotate(area=Sum("area_m2"))
        .order_by("building__code")
    }
    in_force = leases_in_force(campus, on, on)
    subsidies: dict[int, list[_Subsidy]] = {}
    for lease_id, *subsidy in LeaseSubsidy.objects.filter(lease__in=in_force.values("pk")).values_list(
        "lease_id", "from_month", "to_month", "percent"
    ):
        subsidies.setdefault(lease_id, []).append(_Subsidy(*subsidy))
    active = Allocation.objects.active_on(on).values("pk")
    for lease_id, starts_on, area, building in (
        Lease.allocations.through.objects.filter(lease__in=in_force.values("pk"), allocation__in=active)
        .order_by("-lease__starts_on", "lease_id", "allocation__space", "allocation__starts_on", "allocation_id")
        .values_list("lease_id", "lease__starts_on", "allocation__area_m2", "allocation__space__building__code")
    ):
        paying = waived_percent(subsidies.get(lease_id, ()), lease_month_index(starts_on, on) + 1) < HUNDRED
        row = rows.setdefault(building, OccupancyRow(building))
        row.leased_m2 += area
        row.paying_m2 += area if paying else ZERO
    total = OccupancyRow(str(_("Total")))
    for row in rows.values():
        total.lettable_m2 += row.lettable_m2
        total.leased_m2 += row.leased_m2
        total.paying_m2 += row.paying_m2
    return list(rows.values()), total
