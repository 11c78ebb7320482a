"""Content negotiation for the partner API.

DRF answers 404 when ``?format=`` names no renderer, which reads as "this address does not exist"
to a client that merely added an unknown query parameter. Unknown parameters are ignored
everywhere else in the API, so an unknown format is too: the response is JSON, as without it.
"""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class IgnoreUnknownFormat(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        return [renderer for renderer in renderers if renderer.format == format] or renderers
