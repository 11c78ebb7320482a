"""The residents' admin pages, one module per feature (as ``models/``)."""

from . import announcements, frontdesk, members, stages  # noqa: F401
