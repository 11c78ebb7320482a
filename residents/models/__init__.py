"""The residents' models, one module per feature."""

from .announcements import Announcement, AnnouncementReceipt
from .bookings import Booking, BookingSeries, CalendarFeed, OpeningHours, Resource, Training
from .frontdesk import Delivery, Visit
from .invoices import Invoice, InvoiceLine, InvoiceReminder, InvoiceSequence
from .leases import Lease, LeaseAlert, LeaseSubsidy, LeaseTransition
from .members import Invitation, Membership
from .payments import Payment, PaymentAllocation, StatementImport
from .requests import ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent, ServiceTarget
from .stages import MilestoneEvidence, MilestoneReport, StageMilestone, StageTransition

__all__ = [
    "Announcement",
    "AnnouncementReceipt",
    "Booking",
    "BookingSeries",
    "CalendarFeed",
    "Delivery",
    "Invitation",
    "Invoice",
    "InvoiceLine",
    "InvoiceReminder",
    "InvoiceSequence",
    "Lease",
    "LeaseAlert",
    "LeaseSubsidy",
    "LeaseTransition",
    "Membership",
    "MilestoneEvidence",
    "MilestoneReport",
    "OpeningHours",
    "Payment",
    "PaymentAllocation",
    "Resource",
    "ServiceRequest",
    "ServiceRequestAttachment",
    "ServiceRequestEvent",
    "ServiceTarget",
    "StageMilestone",
    "StageTransition",
    "StatementImport",
    "Training",
    "Visit",
]
