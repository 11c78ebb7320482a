"""Invoices for the demo: every month of the demo leases up to this one, issued by the same
batches the daily job publishes, each on the campus's billing day of its month (so the numbers
run in order and last months' invoices are past due). The campus invoices as ``ICW`` unless
its staff chose a prefix. Issuing is once per lease and month, so running it again adds nothing.
"""

from __future__ import annotations

from django.utils import timezone

from campus.models import Campus

from ..models import Lease
from ..rent import add_months
from ..services.invoices import invoices_issue_batch, leases_to_bill

PREFIX = "ICW"


def seed(campus: Campus, companies) -> int:
    """Issue each month's invoices of the companies' leases, from their first month to today's."""
    if campus.invoice_prefix == Campus._meta.get_field("invoice_prefix").default:
        campus.invoice_prefix = PREFIX
        campus.save(update_fields=["invoice_prefix"])
    today = timezone.localdate()
    first = (
        Lease.objects.filter(company__in=companies).order_by("starts_on").values_list("starts_on", flat=True).first()
    )
    if first is None:
        return 0
    issued, month = 0, first.replace(day=1)
    while month <= today:
        billing_day = month.replace(day=campus.billing_day)
        if billing_day <= today:
            ids = list(leases_to_bill(campus, month).filter(company__in=companies).values_list("pk", flat=True))
            issued += invoices_issue_batch(campus_id=campus.pk, period=month, lease_ids=ids, today=billing_day)
        month = add_months(month, 1)
    return issued
