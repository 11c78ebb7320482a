"""Domain errors of the tenants app, with messages a user can read."""

from __future__ import annotations


class TenantsError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(TenantsError):
    """The application cannot move to that state from where it is, or a required reason is missing."""


class ApplicationLocked(TenantsError):
    """The application has been submitted and can no longer be edited."""


class ApplicationIncomplete(TenantsError):
    """Something required for submission is missing."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class InvalidLink(TenantsError):
    """The link is unknown, already used or expired."""
