"""Leases for the tests: a company's space allocated for a term and leased at round rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from djmoney.money import Money

from campus.services import allocation_create
from residents.services.leases import lease_activate, lease_create
from tests.campus.factories import SpaceFactory

START, END = dt.date(2026, 1, 1), dt.date(2027, 12, 31)


def allocated(company, *, starts_on=START, ends_on=END, area="100", code=None):
    extra = {"code": code} if code else {}
    space = SpaceFactory(building__campus=company.campus, area_m2=Decimal(area), **extra)
    return allocation_create(space=space, company=company, starts_on=starts_on, ends_on=ends_on)


def leased(company, *, starts_on=START, ends_on=END, area="100", subsidies=(), active=True, actor=None, **terms):
    """A lease of one new space of ``area`` m² at 100 CNY rent and 20 CNY service charge per m² a month
    (or the rates and ``currency`` given)."""
    allocation = allocated(company, starts_on=starts_on, ends_on=ends_on, area=area)
    currency = terms.pop("currency", "CNY")
    lease = lease_create(
        company=company,
        allocations=[allocation],
        starts_on=starts_on,
        ends_on=ends_on,
        rent_rate=Money(terms.pop("rent", "100"), currency),
        service_charge_rate=Money(terms.pop("service", "20"), currency),
        deposit=Money("30000", currency),
        subsidies=subsidies,
        actor=actor,
        **terms,
    )
    return lease_activate(lease=lease, actor=actor) if active else lease
