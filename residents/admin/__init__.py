"""The residents' admin pages, one module per feature (as ``models/``)."""

from . import announcements, frontdesk, invoices, leases, members, requests, stages  # noqa: F401
