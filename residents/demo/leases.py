"""Leases for the demo: each first-batch resident gets a free laboratory or office for three
years from the first day of the month three months ago (so its rent-free months are running),
leased with incubation support (the first 6 months free, the next 12 at half rent), a 3 % yearly
escalation and three months' rent as deposit, made through the services and activated.

A company with a lease already is left alone, so running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from djmoney.money import Money

from campus.choices import SpaceKind
from campus.models import Campus
from campus.selectors import spaces_available
from campus.services import allocation_create

from ..models import Lease
from ..rent import add_months, to_fen
from ..services.leases import lease_activate, lease_create

TERM_YEARS = 3
INCUBATION = [(1, 6, Decimal("100")), (7, 18, Decimal("50"))]
RATES = {  # CNY per m² a month: rent, service charge
    SpaceKind.LABORATORY: (Decimal("85.00"), Decimal("18.00")),
    SpaceKind.OFFICE: (Decimal("60.00"), Decimal("15.00")),
}


def seed(campus: Campus, companies) -> list[Lease]:
    """A running lease for each company without one, while free laboratories and offices last."""
    starts_on = add_months(timezone.localdate().replace(day=1), -3)
    ends_on = add_months(starts_on, 12 * TERM_YEARS) - dt.timedelta(days=1)
    made = []
    for company in companies:
        if Lease.objects.filter(company=company).exists():
            continue
        space = (
            spaces_available(on=starts_on, until=ends_on, campus=campus)
            .with_free_area(starts_on, ends_on)
            .filter(kind__in=list(RATES), free_area_m2=F("area_m2"))  # wholly free: a demo lease takes it all
            .order_by("building__code", "code")
            .first()
        )
        if space is None:
            break
        allocation = allocation_create(space=space, company=company, starts_on=starts_on, ends_on=ends_on)
        rent, service = RATES[space.kind]
        lease = lease_create(
            company=company,
            allocations=[allocation],
            starts_on=starts_on,
            ends_on=ends_on,
            rent_rate=Money(rent, "CNY"),
            service_charge_rate=Money(service, "CNY"),
            deposit=Money(to_fen(rent * 3 * allocation.area_m2), "CNY"),
            escalation_percent=Decimal("3"),
            subsidies=INCUBATION,
        )
        made.append(lease_activate(lease=lease, actor=None, reason="Demo data"))
    return made
