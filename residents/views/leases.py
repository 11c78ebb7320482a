"""The company's lease in /my/: for its admins and finance people only."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from campus.models import Allocation

from ..access import resident_required
from ..choices import LeaseState, MemberRole
from ..models import Lease
from ..rent import add_months, lease_month_amounts, lines_total

#: Months ahead shown with their amounts, the current one first.
MONTHS_AHEAD = 3
LEASE_READERS = (MemberRole.ADMIN, MemberRole.FINANCE)


def _months(lease: Lease, today):
    months = []
    for ahead in range(MONTHS_AHEAD):
        month = add_months(today.replace(day=1), ahead)
        lines = lease_month_amounts(lease, month)
        if lines:
            net, tax = lines_total(lines)
            months.append({"month": month, "lines": lines, "net": net, "tax": tax, "gross": net + tax})
    return months


@resident_required(roles=LEASE_READERS)
@require_GET
def lease(request):
    """The company's leases (a draft stays the campus's until activated): term, spaces, rates, amounts."""
    today = timezone.localdate()
    leases = list(
        Lease.objects.filter(company=request.membership.company)
        .exclude(state=LeaseState.DRAFT)
        .prefetch_related(
            Prefetch("allocations", queryset=Allocation.objects.select_related("space__building").order_by("pk")),
            "subsidies",
        )
        .order_by("-starts_on", "pk")
    )
    for each in leases:
        each.months = _months(each, today) if each.state in (LeaseState.ACTIVE, LeaseState.ENDING) else []
    return render(request, "residents/lease.html", {"leases": leases, "today": today})
