"""The residents' admin pages, one module per feature (as ``models/``)."""

from . import announcements, bookings, frontdesk, invoices, leases, members, payments, requests, stages  # noqa: F401
