"""Signed webhook deliveries (Standard Webhooks 1.0), sent only to public HTTPS addresses.

Signature: ``v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`` with the
endpoint's ``whsec_`` secret (during a rotation, one signature per secret). The destination is
resolved and checked at registration and again before every attempt; the connection goes to the
address that was checked (no second DNS lookup), and redirects are never followed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import os
import random
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from common.errors import DomainError

# What an attempt keeps of the receiver's answer and of an error (the attempt log's column sizes).
EXCERPT_CHARS = 500
ERROR_CHARS = 255
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Standard Webhooks' recommended schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (≈ 27.6 h in all).
RETRY_DELAYS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class UnsafeDestination(DomainError):
    """The URL is not https, or it points at a private, loopback, link-local or otherwise internal address."""

    def __init__(self, message: str):
        super().__init__(message, field="url")


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    ip: str
    target: str  # path and query


def printable(text: str, limit: int) -> str:
    """``text`` as any database stores it: control characters (NUL too) and lone surrogates replaced, cut short."""
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    return _CONTROL_CHARACTERS.sub("\ufffd", text)[:limit]


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")


def _public(ip: IPAddress) -> bool:
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_private)


def _embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, NAT64, Teredo), which routers may reach."""
    if ip.version != 6:
        return []
    embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in NAT64_WELL_KNOWN:
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in embedded if address is not None]


def _allowed(ip: IPAddress) -> bool:
    if ip.is_loopback:
        return settings.WEBHOOKS_ALLOW_LOOPBACK
    # Checked whatever this Python's ipaddress thinks of the IPv6 prefix: the embedded IPv4 must be public too.
    return _public(ip) and all(_public(inner) for inner in _embedded_ipv4(ip))


def check_destination(url: str) -> Destination:
    """Resolve ``url`` and refuse it unless every address it resolves to is public (or allowed loopback)."""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise UnsafeDestination(_("The URL must start with https:// and name a host."))
    if parts.username or parts.password:
        raise UnsafeDestination(_("The URL must not contain a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # not a number, or out of range
        raise UnsafeDestination(_("The URL's port is not valid.")) from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeDestination(_("The host name of the URL does not resolve.")) from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses or not all(_allowed(address) for address in addresses):
        raise UnsafeDestination(_("The URL points at a private, loopback or link-local address."))
    local_development = settings.WEBHOOKS_ALLOW_LOOPBACK and all(a.is_loopback for a in addresses)
    if parts.scheme == "http" and not local_development:
        raise UnsafeDestination(_("The URL must start with https://."))
    if port not in settings.WEBHOOK_ALLOWED_PORTS and not local_development:
        raise UnsafeDestination(
            _("The URL must use port %(ports)s.") % {"ports": ", ".join(map(str, settings.WEBHOOK_ALLOWED_PORTS))}
        )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(parts.scheme, parts.hostname, port, str(addresses[0]), target)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address resolved beforehand, verifying the certificate for the original host name."""

    def __init__(self, host: str, ip: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    duration_ms: int
    excerpt: str
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, msg_id: str, body: bytes, secrets: list[str], timestamp: int | None = None) -> AttemptResult:
    """POST one signed message. Never follows redirects; keeps at most EXCERPT_CHARS bytes of the answer, cleaned."""
    started = time.monotonic()
    try:
        destination = check_destination(url)
    except UnsafeDestination as exc:
        return AttemptResult(None, 0, "", printable(exc.message, ERROR_CHARS))
    timestamp = timestamp or int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ICampus-Webhooks/1.0",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets),
    }
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    if destination.scheme == "https":
        conn = _PinnedHTTPSConnection(destination.host, destination.ip, destination.port, timeout)
    else:  # loopback http, allowed only with WEBHOOKS_ALLOW_LOOPBACK
        conn = http.client.HTTPConnection(destination.ip, destination.port, timeout=timeout)
    # The socket timeout bounds each read; a receiver answering a byte at a time could still hold
    # the attempt past its claim. The whole exchange gets the same limit: then the socket is shut.
    expired = threading.Event()
    deadline = threading.Timer(timeout, _cut, args=(conn, expired))
    deadline.start()
    try:
        conn.request("POST", destination.target, body=body, headers={**headers, "Host": destination.host})
        response = conn.getresponse()
        excerpt = printable(response.read(EXCERPT_CHARS).decode("utf-8", errors="replace"), EXCERPT_CHARS)
        status, error = response.status, ""
    except (OSError, http.client.HTTPException) as exc:
        status, excerpt, error = None, "", f"{type(exc).__name__}: {exc}"
    finally:
        deadline.cancel()
        conn.close()
    if expired.is_set():
        status, excerpt = None, ""
        error = _("No complete answer within %(seconds)s seconds.") % {"seconds": timeout}
    return AttemptResult(status, int((time.monotonic() - started) * 1000), excerpt, printable(error, ERROR_CHARS))


def _cut(conn: http.client.HTTPConnection, expired: threading.Event) -> None:
    """Stop an exchange in progress on another thread: shutting the socket down wakes its read."""
    expired.set()
    if conn.sock is not None:
        with contextlib.suppress(OSError):  # closed already
            conn.sock.shutdown(socket.SHUT_RDWR)


def next_delay(attempts_made: int) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` attempts (±10 % jitter), or None when done."""
    if attempts_made >= MAX_ATTEMPTS:
        return None
    base = RETRY_DELAYS[attempts_made - 1]
    return base * random.uniform(0.9, 1.1)  # noqa: S311 - jitter, not security
