"""The residents' admin pages, one module per feature (as ``models/``)."""

from . import frontdesk, members  # noqa: F401
