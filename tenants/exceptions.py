"""The cases of ``DomainError`` that tenants' callers tell apart, with messages a user can read."""

from __future__ import annotations

from common.errors import DomainError


class InvalidTransition(DomainError):
    """The application cannot move to that state from where it is, or a required reason is missing."""


class ApplicationLocked(DomainError):
    """The application has been submitted and can no longer be edited."""


class ApplicationIncomplete(DomainError):
    """Something required for submission is missing."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class InvalidLink(DomainError):
    """The link is unknown, already used or expired."""
