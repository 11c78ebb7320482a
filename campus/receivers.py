"""Model signal receivers of the campus app."""

from __future__ import annotations

from .models import Space, connect_lookup_codes

# A space's codes of platform stages and gases follow its links and the lookups themselves.
connect_lookup_codes(Space)
