"""The residents' answers to the hook points of lower apps, connected in ``apps.py``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tenants.choices import ApplicationStatus

from .admin.leases import lease_steps
from .choices import LIVE_LEASES, LeaseState, ReportState
from .models import MilestoneReport
from .views.staff_lettings import LET


def milestones_panel(sender, *, request, member, **kwargs) -> str:
    """``advisory.signals.dashboard_panels``: the milestone reports staff named this member to review."""
    counts = MilestoneReport.objects.filter(reviewer=member).aggregate(
        named=Count("pk"), waiting=Count("pk", filter=Q(state=ReportState.SUBMITTED))
    )
    if not counts["named"]:
        return ""
    return render_to_string("residents/advisory/_panel.html", {"waiting": counts["waiting"]}, request=request)


def calendar_panel(sender, *, request, member, **kwargs) -> str:
    """``advisory.signals.dashboard_panels``: where a member subscribes to their meetings in a calendar app."""
    return render_to_string("residents/advisory/_calendar_panel.html", {}, request=request)


def allocation_lease_panel(sender, *, request, allocation, **kwargs) -> str:
    """``campus.signals.allocation_admin_panels``: the lease covering the allocation, or a link to prepare one.

    Shown to staff who may see leases; the steps (activate, renew, terminate) to those who may change them.
    """
    user = request.user
    if not user.has_perm("residents.view_lease"):
        return ""
    may_change = user.has_perm("residents.change_lease")
    leases = allocation.leases.filter(state__in=(LeaseState.DRAFT, *LIVE_LEASES)).select_related("company")
    rows = [
        {
            "lease": lease,
            "url": reverse("admin:residents_lease_change", args=[lease.pk]),
            "steps": lease_steps(lease) if may_change else [],
        }
        for lease in leases
    ]
    add_url = ""
    if not rows and user.has_perm("residents.add_lease"):
        add_url = f"{reverse('admin:residents_lease_add')}?{urlencode(_lease_initial(allocation))}"
    return render_to_string(
        "admin/residents/lease/_allocation_panel.html", {"rows": rows, "add_url": add_url}, request=request
    )


def _lease_initial(allocation) -> dict[str, str]:
    """The lease add form's initial values (the admin reads them from the query string)."""
    initial = {
        "company": str(allocation.company_id),
        "allocations": str(allocation.pk),
        "starts_on": allocation.starts_on.isoformat(),
    }
    if allocation.ends_on is not None:
        initial["ends_on"] = allocation.ends_on.isoformat()
    return initial


def space_let_link(sender, *, request, application, space, **kwargs) -> str:
    """``tenants.hooks.matching_space_actions``: allocate the space to an approved company and
    prepare its draft lease, for staff who may add both."""
    if application.status != ApplicationStatus.APPROVED or not request.user.has_perms(LET):
        return ""
    url = f"{reverse('residents:staff_space_let', args=[application.pk])}?{urlencode({'space': space.pk})}"
    return format_html('<a href="{}">{}</a>', url, _("Allocate and prepare the lease"))
