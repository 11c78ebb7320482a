"""Refusals of the residents' actions, with messages a person can read."""

from common.errors import DomainError


class InvalidInvitation(DomainError):
    """The invitation is unknown, used, withdrawn or expired."""


class LastAdmin(DomainError):
    """The change would leave the company without a company admin."""


class VisitRefused(DomainError):
    """The visit cannot move that way now (checked in already, cancelled, not today...)."""
