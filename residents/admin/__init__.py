"""The residents' admin pages, one module per feature (as ``models/``)."""

from . import announcements, members  # noqa: F401
