"""The residents' models, one module per feature."""

from .announcements import Announcement, AnnouncementReceipt
from .frontdesk import Delivery, Visit
from .leases import Lease, LeaseAlert, LeaseSubsidy, LeaseTransition
from .members import Invitation, Membership
from .requests import ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent, ServiceTarget
from .stages import MilestoneEvidence, MilestoneReport, StageMilestone, StageTransition

__all__ = [
    "Announcement",
    "AnnouncementReceipt",
    "Delivery",
    "Invitation",
    "Lease",
    "LeaseAlert",
    "LeaseSubsidy",
    "LeaseTransition",
    "Membership",
    "MilestoneEvidence",
    "MilestoneReport",
    "ServiceRequest",
    "ServiceRequestAttachment",
    "ServiceRequestEvent",
    "ServiceTarget",
    "StageMilestone",
    "StageTransition",
    "Visit",
]
