"""The state machine of applications and the rule for deciding them, each in one place."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import hooks
from .choices import ApplicationStatus as S

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.SCREENING, S.WITHDRAWN},
    S.SCREENING: {S.COMMITTEE_REVIEW, S.REJECTED, S.WITHDRAWN},
    S.COMMITTEE_REVIEW: {S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.APPROVED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}

# Moves that staff must explain; the applicant's own withdrawal may come without a reason.
REASON_REQUIRED_FROM_STAFF = frozenset({S.REJECTED, S.WITHDRAWN})

STEPS = ("company", "contacts", "profile", "needs", "documents")
STEP_TITLES = {
    "company": _("Company"),
    "contacts": _("Contacts"),
    "profile": _("Business profile"),
    "needs": _("Space and platform"),
    "documents": _("Documents"),
    "review": _("Review and submit"),
}


def completed_review_count(application) -> int:
    """Completed reviews, as the advisory app counts them (``hooks.review_counter``); 0 without it."""
    return hooks.reviews_completed(application)


def reviews_missing(application) -> int:
    """How many more completed reviews a decision needs: 0 when it may be decided, and 0 when no
    decision is awaited (a draft, or an application decided or withdrawn already)."""
    if not application.awaits_decision:
        return 0
    return max(0, settings.APPLICATION_MIN_REVIEWS - completed_review_count(application))


def allowed_next(status: str) -> list[str]:
    return [value for value in S.values if value in TRANSITIONS[status]]
