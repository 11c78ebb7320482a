"""Which peer may speak for the client: the TLS-terminating proxy listed in FORWARDED_ALLOW_IPS.

Gunicorn (deploy/gunicorn.conf.py) and the portal read the same variable, so the web server and
the application trust the same peers: X-Forwarded-* headers from anyone else are dropped
(``portal.middleware.trusted_forwarded_headers``), and the client address that sign-in lock-outs
and rate limits count comes from X-Forwarded-For only behind that proxy.
"""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _trusted(addresses: tuple[str, ...]) -> tuple[bool, tuple]:
    networks = tuple(ipaddress.ip_network(value) for value in addresses if value != "*")
    return "*" in addresses, networks


def peer_is_trusted_proxy(remote_addr: str) -> bool:
    """Whether the direct peer is in FORWARDED_ALLOW_IPS, the rule gunicorn applies: a peer on a
    unix socket (no IP address) is a local process, so it is trusted as gunicorn trusts it."""
    anyone, networks = _trusted(tuple(settings.FORWARDED_ALLOW_IPS))
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return True
    return anyone or any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's address: the peer's, or behind the trusted proxy the address that the outermost
    of TRUSTED_PROXY_COUNT proxies saw (counted from the right of X-Forwarded-For, which each
    proxy appends to; entries further left are whatever the client claimed)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if count and len(hops) >= count and peer_is_trusted_proxy(remote):
        try:
            return str(ipaddress.ip_address(hops[-count]))
        except ValueError:
            return remote
    return remote
