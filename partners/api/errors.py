"""One JSON error shape for every API error, naming the field where there is one.

``{"error": {"type": "validation_error", "message": "...", "fields": {"contact_email": ["..."]}}}``
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..services import PartnerError
from ..webhooks import UnsafeDestination

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
    body = {"type": TYPES.get(status_code, "error"), "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _flatten(detail) -> tuple[str, dict]:
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        return str(detail["detail"]), {}
    if isinstance(detail, dict):
        fields = {}
        for name, value in detail.items():
            messages = value if isinstance(value, list) else [value]
            fields[name] = [str(m) for m in messages]
        non_field = fields.pop("non_field_errors", None)
        message = non_field[0] if non_field else "Some fields are not valid."
        return message, fields
    if isinstance(detail, list):
        return (str(detail[0]) if detail else "Invalid request."), {}
    return str(detail), {}


def handle(exc, context):
    if isinstance(exc, PartnerError | UnsafeDestination):
        field = getattr(exc, "field", None) or ("url" if isinstance(exc, UnsafeDestination) else None)
        exc = exceptions.ValidationError({field: [exc.message]} if field else [exc.message])
    response = exception_handler(exc, context)
    if response is None:
        return None
    message, fields = _flatten(response.data)
    response.data = error_body(response.status_code, message, fields)
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response


def error_response(status_code: int, message: str, fields: dict | None = None) -> Response:
    return Response(error_body(status_code, message, fields), status=status_code)
