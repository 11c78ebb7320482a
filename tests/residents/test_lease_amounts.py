"""What a lease costs in a month (residents.rent): exact examples, and properties that hold for any lease."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from djmoney.money import Money
from hypothesis import given, settings
from hypothesis import strategies as st

from residents.rent import add_months, lease_month_amounts, lease_month_index, lines_total, month_bounds, to_fen


class Rows(list):
    def all(self):
        return self


def lease(
    starts_on=dt.date(2026, 1, 1),
    ends_on=dt.date(2027, 12, 31),
    *,
    area="100",
    rent="100",
    service="20",
    escalation="0",
    subsidies=(),
    terminated_on=None,
    allocations=None,
):
    """A lease as the rule reads it, without the database."""
    return SimpleNamespace(
        starts_on=starts_on,
        last_day=terminated_on or ends_on,
        rent_rate=Money(rent, "CNY"),
        service_charge_rate=Money(service, "CNY"),
        escalation_percent=Decimal(escalation),
        rent_tax_percent=Decimal("9"),
        service_tax_percent=Decimal("6"),
        allocations=Rows(allocations or [SimpleNamespace(starts_on=starts_on, ends_on=ends_on, area_m2=Decimal(area))]),
        subsidies=Rows(SimpleNamespace(from_month=a, to_month=b, percent=Decimal(p)) for a, b, p in subsidies),
    )


def amounts(lease, month):
    return [(line.kind, line.days, line.net.amount, line.tax.amount) for line in lease_month_amounts(lease, month)]


# --- Examples ----------------------------------------------------------------------------------


def test_a_full_month_costs_area_times_rate_with_tax_per_line():
    assert amounts(lease(), dt.date(2026, 3, 1)) == [
        ("rent", 31, Decimal("10000.00"), Decimal("900.00")),
        ("service_charge", 31, Decimal("2000.00"), Decimal("120.00")),
    ]


def test_a_partial_first_month_is_prorated_by_days_and_rounded_to_the_fen():
    # 11 January to 31 January: 21 of 31 days; 10,000 × 21 / 31 = 6,774.1935…
    assert amounts(lease(dt.date(2026, 1, 11)), dt.date(2026, 1, 20)) == [
        ("rent", 21, Decimal("6774.19"), Decimal("609.68")),
        ("service_charge", 21, Decimal("1354.84"), Decimal("81.29")),
    ]


def test_a_terminated_lease_is_billed_to_its_last_day():
    terminated = lease(terminated_on=dt.date(2026, 5, 10))
    assert amounts(terminated, dt.date(2026, 5, 1))[0] == ("rent", 10, Decimal("3225.81"), Decimal("290.32"))
    assert amounts(terminated, dt.date(2026, 6, 1)) == []


def test_a_month_before_the_lease_costs_nothing():
    assert amounts(lease(), dt.date(2025, 12, 1)) == []


def test_escalation_applies_from_each_full_lease_year_and_compounds():
    escalating = lease(dt.date(2025, 1, 1), escalation="5")
    assert amounts(escalating, dt.date(2026, 1, 1))[0][2] == Decimal("10500.00")
    assert amounts(escalating, dt.date(2027, 1, 1))[0][2] == Decimal("11025.00")


def test_escalation_within_a_month_splits_the_rent_line_at_the_anniversary():
    # The lease year turns on 16 January: 15 days at 100, 16 days at 105.
    rent = [
        line for line in amounts(lease(dt.date(2025, 1, 16), escalation="5"), dt.date(2026, 1, 1)) if line[0] == "rent"
    ]
    assert rent == [
        ("rent", 15, Decimal("4838.71"), Decimal("435.48")),
        ("rent", 16, Decimal("5419.35"), Decimal("487.74")),
    ]


def test_subsidies_waive_rent_as_negative_lines_never_the_service_charge():
    incubated = lease(subsidies=[(1, 6, "100"), (7, 18, "50")])
    free = amounts(incubated, dt.date(2026, 3, 1))
    assert free == [
        ("rent", 31, Decimal("10000.00"), Decimal("900.00")),
        ("subsidy", 31, Decimal("-10000.00"), Decimal("-900.00")),
        ("service_charge", 31, Decimal("2000.00"), Decimal("120.00")),
    ]
    assert amounts(incubated, dt.date(2026, 7, 1))[1] == ("subsidy", 31, Decimal("-5000.00"), Decimal("-450.00"))
    assert [line[0] for line in amounts(incubated, dt.date(2027, 7, 1))] == ["rent", "service_charge"]


def test_a_lease_month_starting_mid_month_splits_the_subsidy_by_days():
    # Month 1 runs 15 January to 14 February: February has 14 free days of 28.
    first_month_free = lease(dt.date(2026, 1, 15), subsidies=[(1, 1, "100")])
    assert amounts(first_month_free, dt.date(2026, 2, 1))[1] == ("subsidy", 14, Decimal("-5000.00"), Decimal("-450.00"))


def test_rounding_is_half_up_at_the_fen():
    # 1 m² at 0.01 for 15 of 30 days is 0.005: half up gives 0.01 (half even would give 0.00).
    tiny = lease(dt.date(2026, 6, 16), area="1", rent="0.01", service="0")
    assert amounts(tiny, dt.date(2026, 6, 1))[0][2] == Decimal("0.01")
    assert to_fen(Decimal("-2.345")) == Decimal("-2.35")


def test_the_area_of_a_day_is_that_of_the_allocations_on_that_day():
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    two = lease(
        allocations=[
            SimpleNamespace(starts_on=start, ends_on=end, area_m2=Decimal("100")),
            SimpleNamespace(starts_on=dt.date(2026, 4, 16), ends_on=end, area_m2=Decimal("50")),
        ],
        ends_on=end,
    )
    rent = [line[1:3] for line in amounts(two, dt.date(2026, 4, 1)) if line[0] == "rent"]
    assert rent == [(15, Decimal("5000.00")), (15, Decimal("7500.00"))]


def test_lease_months_count_from_the_first_day_clamped_to_short_months():
    start = dt.date(2026, 1, 31)
    assert add_months(start, 1) == dt.date(2026, 2, 28)
    assert lease_month_index(start, dt.date(2026, 2, 27)) == 0
    assert lease_month_index(start, dt.date(2026, 2, 28)) == 1
    assert lease_month_index(start, dt.date(2026, 3, 31)) == 2


# --- Properties --------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("999.99"), places=2)
areas = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
percents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)


def months_of(start: dt.date, end: dt.date):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = add_months(month, 1)


@settings(max_examples=150, deadline=None)
@given(start=days, length=st.integers(min_value=0, max_value=800), area=areas, rent=money, service=money)
def test_every_day_of_the_term_is_billed_once(start, length, area, rent, service):
    end = start + dt.timedelta(days=length)
    term = lease(start, end, area=str(area), rent=str(rent), service=str(service))
    billed = [line for month in months_of(start, end) for line in lease_month_amounts(term, month)]
    assert sum(line.days for line in billed if line.kind == "rent") == length + 1
    assert sum(line.days for line in billed if line.kind == "service_charge") == length + 1
    assert all(line.net.amount == to_fen(line.net.amount) for line in billed)
    assert all(line.tax.amount == to_fen(line.net.amount * line.tax_percent / 100) for line in billed)


@settings(max_examples=150, deadline=None)
@given(start=days, area=areas, rent=money, service=money, ahead=st.integers(min_value=1, max_value=10))
def test_a_full_month_without_escalation_or_subsidy_costs_exactly_the_monthly_amount(start, area, rent, service, ahead):
    term = lease(start, add_months(start, 12), area=str(area), rent=str(rent), service=str(service))
    month = add_months(start.replace(day=1), ahead)
    assert amounts(term, month) == [
        ("rent", month_bounds(month)[1].day, to_fen(area * rent), to_fen(to_fen(area * rent) * 9 / 100)),
        (
            "service_charge",
            month_bounds(month)[1].day,
            to_fen(area * service),
            to_fen(to_fen(area * service) * 6 / 100),
        ),
    ]


@settings(max_examples=150, deadline=None)
@given(
    start=days,
    area=areas,
    rent=money,
    escalation=st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=2),
    subsidy=st.tuples(st.integers(1, 30), st.integers(0, 30), percents),
    month=st.integers(min_value=0, max_value=40),
)
def test_a_subsidy_never_waives_more_than_the_rent(start, area, rent, escalation, subsidy, month):
    first, extra, percent = subsidy
    term = lease(
        start,
        add_months(start, 36),
        area=str(area),
        rent=str(rent),
        escalation=str(escalation),
        subsidies=[(first, first + extra, str(percent))],
    )
    lines = lease_month_amounts(term, add_months(start.replace(day=1), month))
    rent_total = sum(line.net.amount for line in lines if line.kind == "rent")
    waived = sum(line.net.amount for line in lines if line.kind == "subsidy")
    assert waived <= 0
    assert rent_total + waived >= 0
    waived_days = sum(line.days for line in lines if line.kind == "subsidy")
    if percent == 100 and waived_days == sum(line.days for line in lines if line.kind == "rent"):
        assert rent_total + waived == 0  # a rent-free month is free to the fen


@settings(max_examples=100, deadline=None)
@given(start=days, length=st.integers(min_value=0, max_value=800), area=areas, rent=money)
def test_the_rounded_total_of_a_term_stays_within_half_a_fen_a_line_of_the_exact_amount(start, length, area, rent):
    end = start + dt.timedelta(days=length)
    term = lease(start, end, area=str(area), rent=str(rent), service="0")
    exact, rounded, lines = Decimal("0"), Decimal("0"), 0
    for month in months_of(start, end):
        billed = [line for line in lease_month_amounts(term, month) if line.kind == "rent"]
        net, _tax = lines_total(billed)
        rounded += net
        exact += sum(area * rent * line.days / line.days_in_month for line in billed)
        lines += len(billed)
    assert abs(rounded - exact) <= Decimal("0.005") * lines
