"""The residents' admin pages, one module per feature (as ``models/``)."""

from . import announcements, frontdesk, members  # noqa: F401
