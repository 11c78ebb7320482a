"""What needs a staff member today: the work waiting in each queue their role acts on.

Each rule counts with the queryset that already defines its state (overdue tasks, requests past
a target, invoices overdue, ...) and links to a list filtered by that same rule. A rule shows to
staff allowed to act on its records (the ``change`` permission), so an auditor who only reads
has nothing waiting, and a finance person sees invoices and leases, not screening.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from advisory.models import REVIEW_DAYS, Review
from residents.choices import BookingStatus, LeaseState, ReportState
from residents.models import Booking, Lease, MilestoneReport, ServiceRequest
from residents.services.ledger import overdue_invoices
from tenants.choices import TO_SCREEN, ApplicationStatus
from tenants.models import Application, OnboardingTask


@dataclass(frozen=True)
class Rule:
    key: str
    permission: str
    label: str  # a lazy plural taking %(count)s
    hint: str  # may take %(days)s
    rows: Callable[[dt.datetime], QuerySet]
    link: Callable[[dt.datetime], str]


@dataclass(frozen=True)
class Need:
    """One line of the page: how many, what they are, and the list that shows them."""

    key: str
    count: int
    text: str
    hint: str
    url: str


def _admin(changelist: str, **query) -> Callable[[dt.datetime], str]:
    return lambda now: f"{reverse(f'admin:{changelist}_changelist')}?{urlencode(query)}"


RULES = [
    Rule(
        "applications_to_screen",
        "tenants.change_application",
        ngettext_lazy(
            "%(count)s application waiting for screening", "%(count)s applications waiting for screening", "count"
        ),
        _("Submitted, or in screening."),
        lambda now: Application.objects.filter(status__in=TO_SCREEN),
        _admin("tenants_application", status__in=",".join(s for s in ApplicationStatus.values if s in TO_SCREEN)),
    ),
    Rule(
        "applications_to_decide",
        "tenants.change_application",
        ngettext_lazy(
            "%(count)s application waiting for a decision", "%(count)s applications waiting for a decision", "count"
        ),
        _("In committee review."),
        lambda now: Application.objects.filter(status=ApplicationStatus.COMMITTEE_REVIEW),
        _admin("tenants_application", status__exact=ApplicationStatus.COMMITTEE_REVIEW),
    ),
    Rule(
        "reviews_overdue",
        "advisory.change_review",
        ngettext_lazy("%(count)s review overdue", "%(count)s reviews overdue", "count"),
        _("Assigned to an advisory member %(days)s days ago or more, not submitted yet."),
        lambda now: Review.objects.overdue(now),
        _admin("advisory_review", overdue="yes"),
    ),
    Rule(
        "onboarding_overdue",
        "tenants.change_onboardingtask",
        ngettext_lazy("%(count)s onboarding task overdue", "%(count)s onboarding tasks overdue", "count"),
        _("Still pending after their due date."),
        lambda now: OnboardingTask.objects.overdue(now.date()),
        _admin("tenants_onboardingtask", overdue="yes"),
    ),
    Rule(
        "requests_past_target",
        "residents.change_servicerequest",
        ngettext_lazy("%(count)s service request past target", "%(count)s service requests past target", "count"),
        _("No first response, or not resolved, within the campus's target."),
        lambda now: ServiceRequest.objects.overdue(now),
        lambda now: f"{reverse('residents:staff_requests')}?overdue=on",
    ),
    Rule(
        "milestones_to_review",
        "residents.change_milestonereport",
        ngettext_lazy("%(count)s milestone report to review", "%(count)s milestone reports to review", "count"),
        _("Reported by resident companies, waiting for a decision."),
        lambda now: MilestoneReport.objects.waiting(),
        _admin("residents_milestonereport", state__exact=ReportState.SUBMITTED),
    ),
    Rule(
        "invoices_overdue",
        "residents.change_invoice",
        ngettext_lazy("%(count)s invoice overdue", "%(count)s invoices overdue", "count"),
        _("Not fully paid after their due date."),
        lambda now: overdue_invoices(now.date()),
        _admin("residents_invoice", settlement="overdue"),
    ),
    Rule(
        "leases_ending",
        "residents.change_lease",
        ngettext_lazy("%(count)s lease ending soon", "%(count)s leases ending soon", "count"),
        _("Near their last day and not renewed."),
        lambda now: Lease.objects.filter(state=LeaseState.ENDING),
        _admin("residents_lease", state__exact=LeaseState.ENDING),
    ),
    Rule(
        "bookings_waiting",
        "residents.change_booking",
        ngettext_lazy("%(count)s booking waiting for approval", "%(count)s bookings waiting for approval", "count"),
        _("Requested for a room or instrument that needs approval, not over yet."),
        lambda now: Booking.objects.waiting(now),
        _admin("residents_booking", status__exact=BookingStatus.REQUESTED, when="upcoming"),
    ),
]


def rules_for(user) -> list[Rule]:
    """The rules whose records ``user`` may act on (every rule for a superuser)."""
    return [rule for rule in RULES if user.has_perm(rule.permission)]


def needs(user, *, now: dt.datetime) -> list[Need]:
    """What waits for ``user`` at ``now`` (local time): one count query per rule of the role, empty ones left out."""
    found = []
    for rule in rules_for(user):
        count = rule.rows(now).count()
        if count:
            text = rule.label % {"count": count}
            hint = str(rule.hint) % {"days": REVIEW_DAYS}
            found.append(Need(rule.key, count, text, hint, rule.link(now)))
    return found
