"""The residents' models, one module per feature."""

from .announcements import Announcement, AnnouncementReceipt
from .frontdesk import Delivery, Visit
from .members import Invitation, Membership

__all__ = ["Announcement", "AnnouncementReceipt", "Delivery", "Invitation", "Membership", "Visit"]
