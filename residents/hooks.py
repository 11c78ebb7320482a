"""The residents' answers to the hook points of lower apps, connected in ``apps.py``."""

from __future__ import annotations

from django.db.models import Count, Q
from django.template.loader import render_to_string

from .choices import ReportState
from .models import MilestoneReport


def milestones_panel(sender, *, request, member, **kwargs) -> str:
    """``advisory.signals.dashboard_panels``: the milestone reports staff named this member to review."""
    counts = MilestoneReport.objects.filter(reviewer=member).aggregate(
        named=Count("pk"), waiting=Count("pk", filter=Q(state=ReportState.SUBMITTED))
    )
    if not counts["named"]:
        return ""
    return render_to_string("residents/advisory/_panel.html", {"waiting": counts["waiting"]}, request=request)
