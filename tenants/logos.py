"""How a company's logo leaves the private storage: an inline PNG, never anything a browser runs.

A logo is public data while its company is listed (``selectors.directory_companies``): anyone may
fetch it at its ``logo_url``, whose last part changes with every new logo, so it may be cached for
a day. The company's own people see it in /my/ whether listed or not, uncached.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from .models import Company

PUBLIC_LOGO_MAX_AGE = 24 * 60 * 60


def logo_response(company: Company, *, public: bool) -> FileResponse:
    """The company's logo as stored (a PNG the portal drew, see ``common.uploads.image_reencoded``)."""
    if not company.logo:
        raise Http404
    try:
        stored = company.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stored, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={PUBLIC_LOGO_MAX_AGE}" if public else "private, no-store"
    return response
