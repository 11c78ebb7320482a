"""The one JSON error shape of the API, naming the field where there is one.

``{"error": {"type": "validation_error", "message": "...", "fields": {"contact_email": ["..."]}}}``

``fields`` always maps a name to a list of readable messages. A nested field is named by its path:
``event_types[0]`` for the first item of a list, ``address.city`` for a key of an object.
"""

from __future__ import annotations

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
