"""The residents' admin pages, one module per feature (as ``models/``)."""

from . import announcements, frontdesk, members, requests, stages  # noqa: F401
