from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    """What a person may do for their company in /my/."""

    ADMIN = "admin", _("Company admin")
    MEMBER = "member", _("Member")
    FINANCE = "finance", _("Finance")


class VisitStatus(models.TextChoices):
    """Where a visit stands: expected, then in the building, then gone; or called off before."""

    EXPECTED = "expected", _("Expected")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    CANCELLED = "cancelled", _("Cancelled")


class AnnouncementAudience(models.TextChoices):
    """Whom an announcement is for: the companies it reaches are worked out when it is read or sent."""

    CAMPUS = "campus", _("The whole campus")
    BUILDING = "building", _("One building")
    COMPANIES = "companies", _("Chosen companies")


class ReportState(models.TextChoices):
    """Where a company's report of a milestone stands."""

    SUBMITTED = "submitted", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    SENT_BACK = "sent_back", _("Sent back")


# A report that counts: waiting for review or accepted. A company has at most one of these per
# milestone; after a send-back it may report the milestone again.
STANDING_REPORTS = frozenset({ReportState.SUBMITTED, ReportState.ACCEPTED})
