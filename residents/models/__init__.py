"""The residents' models, one module per feature."""

from .members import Invitation, Membership

__all__ = ["Invitation", "Membership"]
