"""Refusals of the residents' actions, with messages a person can read."""

from common.errors import DomainError


class InvalidInvitation(DomainError):
    """The invitation is unknown, used, withdrawn or expired."""


class LastAdmin(DomainError):
    """The change would leave the company without a company admin."""


class VisitRefused(DomainError):
    """The visit cannot move that way now (checked in already, cancelled, not today...)."""


class InvalidRequestMove(DomainError):
    """The service request cannot move to that state now, or not by this side, or not without a reason."""


class LeaseRefused(DomainError):
    """The lease cannot take that step: its state, its term, its allocations or a taken space forbid it."""


class BillingRefused(DomainError):
    """An invoice, credit note or payment cannot be made that way (amount, currency, company, period...)."""


class SentTwice(BillingRefused):
    """The same form was sent again (a double click, a reload): what it asked for is done once."""


class StatementUnreadable(DomainError):
    """The uploaded bank statement cannot be read: not a CSV or XLSX file, too large, or without a header."""


class BookingRefused(DomainError):
    """The booking cannot be made, moved or cancelled: closed, taken, too far ahead, untrained, too late..."""
