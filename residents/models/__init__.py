"""The residents' models, one module per feature."""

from .announcements import Announcement, AnnouncementReceipt
from .frontdesk import Delivery, Visit
from .members import Invitation, Membership
from .stages import MilestoneEvidence, MilestoneReport, StageMilestone, StageTransition

__all__ = [
    "Announcement",
    "AnnouncementReceipt",
    "Delivery",
    "Invitation",
    "Membership",
    "MilestoneEvidence",
    "MilestoneReport",
    "StageMilestone",
    "StageTransition",
    "Visit",
]
