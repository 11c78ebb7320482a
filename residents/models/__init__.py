"""The residents' models, one module per feature."""

from .frontdesk import Delivery, Visit
from .members import Invitation, Membership

__all__ = ["Delivery", "Invitation", "Membership", "Visit"]
