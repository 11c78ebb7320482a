"""Request hardening that applies to every URL, whichever app serves it."""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.http import HttpResponseNotAllowed

from common.proxy import peer_is_trusted_proxy

# What a proxy adds about the original request; only the configured proxy may say it.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


def trusted_forwarded_headers(get_response):
    """Drop X-Forwarded-* from clients that are not the proxy, before the HTTPS check, the sign-in
    lock-out, rate limits or anything else reads them."""

    def middleware(request):
        if not peer_is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for name in FORWARDED_HEADERS:
                request.META.pop(name, None)
        return get_response(request)

    return middleware


def refuse_trace(get_response):
    """TRACE (and TRACK) would echo a request, cookies included, back to the sender: 405 everywhere."""

    def middleware(request):
        if request.method in {"TRACE", "TRACK"}:
            return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
        return get_response(request)

    return middleware


# The pages written for the public, after an optional language prefix. Everything else (the admin,
# the staff and reviewer areas, sign-in pages, applicants' links and pages, the API) is noindex,
# so a page added later stays out of search engines until it is listed here.
INDEXABLE = r"(?:|campuses/[^/]+/|residents/|residents/[^/]+/|committee/|partners/|apply/)"
INDEXABLE_UNPREFIXED = r"(?:robots\.txt|static/.*|api/docs/|api/schema/)"


@cache
def _indexable() -> re.Pattern:
    prefixes = "|".join(re.escape(f"{code}/") for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    return re.compile(rf"/(?:(?:{prefixes})?{INDEXABLE}|{INDEXABLE_UNPREFIXED})")


def noindex_private_pages(get_response):
    """X-Robots-Tag: noindex on every response but the public pages, whatever its status."""

    def middleware(request):
        response = get_response(request)
        if not _indexable().fullmatch(request.path):
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return middleware
