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


class RequestCategory(models.TextChoices):
    """What a service request is about; each has its own response and resolution targets."""

    FACILITIES = "facilities", _("Facilities")
    IT = "it", _("IT")
    ACCESS_CARDS = "access_cards", _("Access cards")
    EHS = "ehs", _("EHS / biosafety")
    OTHER = "other", _("Other")


class RequestState(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the company")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


#: The campus's clock runs: it owes the company a fix (waiting for the company, or resolved, it pauses).
CLOCK_RUNNING = (RequestState.NEW, RequestState.IN_PROGRESS)
#: Not finished: the queue's default view.
OPEN_REQUESTS = (RequestState.NEW, RequestState.IN_PROGRESS, RequestState.WAITING)
#: Finished, for the figures of time to resolution.
SETTLED_REQUESTS = (RequestState.RESOLVED, RequestState.CLOSED)


class RequestEventKind(models.TextChoices):
    """One line of a request's history; notes, assignments and escalations are for staff only."""

    RAISED = "raised", _("Raised")
    REPLY = "reply", _("Reply")
    NOTE = "note", _("Internal note")
    STATE = "state", _("State changed")
    ASSIGNED = "assigned", _("Assigned")
    ESCALATED = "escalated", _("Escalated")


#: Kinds the company never sees, in a page, an e-mail or the API.
INTERNAL_EVENTS = (RequestEventKind.NOTE, RequestEventKind.ASSIGNED, RequestEventKind.ESCALATED)


class RequestTarget(models.TextChoices):
    """The two targets a request is held to."""

    RESPONSE = "response", _("first response")
    RESOLUTION = "resolution", _("resolution")


class LeaseState(models.TextChoices):
    """Where a lease stands: prepared, running, in its last 90 days, over; or ended early."""

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDING = "ending", _("Ending")
    ENDED = "ended", _("Ended")
    TERMINATED = "terminated", _("Terminated")


#: A lease that binds the company now: its allocations belong to no other such lease.
LIVE_LEASES = (LeaseState.ACTIVE, LeaseState.ENDING)
#: Days before a lease's last day on which staff and the company are told it ends.
LEASE_ALERT_DAYS = (90, 60, 30)


class InvoiceKind(models.TextChoices):
    """An invoice asks for money; a credit note (negative amounts) corrects an issued invoice."""

    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    """Where an invoice stands on a day, worked out from its settlement (``ledger.invoice_status``), never stored."""

    OPEN = "open", _("Open")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    OVERDUE = "overdue", _("Overdue")
    PAID = "paid", _("Paid")
    CREDITED = "credited", _("Credited")


class PaymentSource(models.TextChoices):
    """How a payment reached the ledger."""

    MANUAL = "manual", _("Recorded by staff")
    STATEMENT = "statement", _("Bank statement import")


#: Days after an invoice's due date on which the company is reminded (the last one also tells
#: the campus's finance staff).
REMINDER_DAYS = (7, 14)
ESCALATION_DAYS = 30
#: Arrears buckets: days past due, inclusive upper bounds (the last is open-ended).
ARREARS_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, None))


class ResourceKind(models.TextChoices):
    ROOM = "room", _("Meeting room")
    EQUIPMENT = "equipment", _("Equipment")


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
