"""The residents' models, one module per feature."""

from .announcements import Announcement, AnnouncementReceipt
from .members import Invitation, Membership

__all__ = ["Announcement", "AnnouncementReceipt", "Invitation", "Membership"]
