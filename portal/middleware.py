"""Request hardening that applies to every URL, whichever app serves it."""

from __future__ import annotations

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
