"""Errors: the one domain error every app raises, and the one JSON error shape of the API.

A business rule that refuses something raises ``DomainError`` (or a subclass an app defines to name
the case) with a message a user can read and, where one field is at fault, that field's name. Pages
show the message; the API maps it to a 400 in this shape:

``{"error": {"type": "validation_error", "message": "...", "fields": {"contact_email": ["..."]}}}``

``fields`` always maps a name to a list of readable messages. A nested field is named by its path:
``event_types[0]`` for the first item of a list, ``address.city`` for a key of an object.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action; ``message`` is for the user, ``field`` the one at fault."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


TYPES = {
    400: "validation_error",
    401: "authentication_failed",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
}


def error_body(status_code: int, message: str, fields: dict | None = None) -> dict:
    body = {"type": TYPES.get(status_code, "error"), "message": str(message)}
    if fields:
        body["fields"] = fields
    return {"error": body}


def field_path(parent: str, key: str | int) -> str:
    """The name of ``key`` inside the field ``parent``: ``items[0]``, ``address.city``."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)
