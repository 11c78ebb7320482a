"""The space section of an application's admin page: what matches, or what the company was given."""

from __future__ import annotations

from django.urls import reverse

from .. import hooks
from ..choices import IN_REVIEW, ApplicationStatus
from ..models import Application
from ..selectors import company_allocations, spaces_matching

#: The best matches shown; staff narrow the needs or search the spaces' list for more.
MATCHES_SHOWN = 20


def space_panel(request, application: Application) -> dict:
    """While the application is screened or reviewed, and once approved until the company has
    space: the spaces that match over the period asked for, each with the links higher apps offer
    (allocating it). Once the company has an allocation: its allocations instead."""
    if application.status == ApplicationStatus.APPROVED:
        allocations = list(company_allocations(application.company))
        if allocations:
            may_view = request.user.has_perm("campus.view_allocation")
            return {
                "allocations": [
                    {
                        "allocation": allocation,
                        "url": reverse("admin:campus_allocation_change", args=[allocation.pk]) if may_view else "",
                    }
                    for allocation in allocations
                ]
            }
    elif application.status not in IN_REVIEW:
        return {"closed": True}
    spaces = list(spaces_matching(application)[:MATCHES_SHOWN])
    return {
        "starts_on": application.space_needed_on(),
        "ends_on": application.space_needed_until(),
        "spaces": [
            {
                "space": space,
                "url": reverse("admin:campus_space_change", args=[space.pk]),
                "actions": hooks.space_actions_for(request, application, space),
            }
            for space in spaces
        ],
    }
