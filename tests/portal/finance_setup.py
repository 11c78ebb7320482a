"""The finance example the dashboard's tests and the browser check share, worked by hand.

The campus: building A (two 100 m² laboratories) and building B (two offices, 50 m² and 150 m²).
Helix leases laboratory A-101 (100 m²) and Nordic office B-201 (50 m²) from 1 January 2026, both at
100 CNY rent (9% tax) and 20 CNY service charge (6% tax) per m² a month; Helix's first three months
are rent-free. Invoices are issued on the 5th, due 15 days later:

=========  ==============================  ==============================
month      Helix (A-101)                   Nordic (B-201)
=========  ==============================  ==============================
January    #1: 2,000 net + 120 = 2,120     #2: 6,000 net + 510 = 6,510
February   #3: 2,120                       #4: 6,510; credit note #5 of
                                           1,635 (1,500 + 135 tax) on 25 Feb
March      #6: 2,120                       #7: 6,510
=========  ==============================  ==============================

Helix paid 2,500 on 15 January: 2,120 to #1, 380 left as credit, which issuing March's invoices
spends on #3 (its oldest open invoice). Nordic paid 1,000 to #4 on 25 February.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from djmoney.money import Money

from campus.choices import SpaceKind
from campus.services import allocation_create
from residents.models import Invoice, Payment, PaymentAllocation
from residents.services.invoices import credit_note_issue, invoices_issue
from residents.services.leases import lease_activate, lease_create
from residents.services.payments import settled_on_refresh
from tests.campus.factories import BuildingFactory, SpaceFactory

D = dt.date
START = D(2026, 1, 1)


def lease_of(company, space, *, subsidies=(), area=None):
    allocation = allocation_create(
        space=space, company=company, starts_on=START, ends_on=D(2027, 12, 31), area_m2=area or space.area_m2
    )
    lease = lease_create(
        company=company,
        allocations=[allocation],
        starts_on=START,
        ends_on=D(2027, 12, 31),
        rent_rate=Money("100", "CNY"),
        service_charge_rate=Money("20", "CNY"),
        subsidies=subsidies,
    )
    return lease_activate(lease=lease, actor=None)


def paid(company, amount: str, day: dt.date, *invoices: tuple[Invoice, str]) -> Payment:
    """A payment received and spread over invoices (as the bank statement import records them)."""
    payment = Payment.objects.create(
        campus=company.campus, company=company, received_on=day, amount=Decimal(amount), reference=f"BANK-{day}"
    )
    for invoice, part in invoices:
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=Decimal(part))
    settled_on_refresh(invoice.pk for invoice, _part in invoices)
    return payment


def the_example(campus, helix_company, nordic_company, actor):
    """Write the example above on ``campus``; returns Helix's and Nordic's leases."""
    campus.invoice_prefix, campus.billing_day, campus.payment_terms_days = "ICW", 5, 15
    campus.save()
    a, b = BuildingFactory(campus=campus, code="A"), BuildingFactory(campus=campus, code="B")
    lab = SpaceFactory(building=a, code="101", kind=SpaceKind.LABORATORY, area_m2=Decimal("100"))
    SpaceFactory(building=a, code="102", kind=SpaceKind.LABORATORY, area_m2=Decimal("100"))
    office = SpaceFactory(building=b, code="201", kind=SpaceKind.OFFICE, area_m2=Decimal("50"))
    SpaceFactory(building=b, code="202", kind=SpaceKind.OFFICE, area_m2=Decimal("150"))
    helix = lease_of(helix_company, lab, subsidies=[(1, 3, Decimal("100"))])
    nordic = lease_of(nordic_company, office)
    invoices_issue(today=D(2026, 1, 5))
    invoices_issue(today=D(2026, 2, 5))
    invoice = {(i.lease_id, i.period.month): i for i in Invoice.objects.all()}
    paid(helix_company, "2500", D(2026, 1, 15), (invoice[helix.pk, 1], "2120"))
    credit_note_issue(
        invoice=invoice[nordic.pk, 2],
        reason="Goodwill",
        actor=actor,
        amount=Decimal("1635"),
        tax_percent=Decimal("9"),
        today=D(2026, 2, 25),
    )
    paid(nordic_company, "1000", D(2026, 2, 25), (invoice[nordic.pk, 2], "1000"))
    invoices_issue(today=D(2026, 3, 5))
    return helix, nordic
