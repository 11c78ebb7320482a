"""The residents' admin pages, one module per feature (as ``models/``)."""

from . import members, requests  # noqa: F401
