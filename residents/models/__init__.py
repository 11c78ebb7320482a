"""The residents' models, one module per feature."""

from .members import Invitation, Membership
from .requests import ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent, ServiceTarget

__all__ = [
    "Invitation",
    "Membership",
    "ServiceRequest",
    "ServiceRequestAttachment",
    "ServiceRequestEvent",
    "ServiceTarget",
]
