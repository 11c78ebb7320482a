"""The API's exception handler: every error in the stable shape of ``common.errors``.

Nested errors (an item of a list, a key of an object) are flattened to one readable message per
path, ``event_types[0]``, so a client never sees how the server holds them.
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from common.errors import DomainError, error_body, field_path


def _messages(detail, path: str, fields: dict[str, list[str]]) -> None:
    """Collect ``detail`` (DRF's nested dicts and lists of messages) into ``fields`` by path."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = path if key == "non_field_errors" and path else field_path(path, key)
            _messages(value, name, fields)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):  # a list serializer: one entry per item, {} when valid
            if item:
                _messages(item, field_path(path, index), fields)
    elif isinstance(detail, list):
        fields.setdefault(path, []).extend(str(message) for message in detail)
    else:
        fields.setdefault(path, []).append(str(detail))


def _flatten(detail) -> tuple[str, dict]:
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        return str(detail["detail"]), {}
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        _messages(detail, "", fields)
        non_field = fields.pop("non_field_errors", None)
        message = non_field[0] if non_field else "Some fields are not valid."
        return message, fields
    if isinstance(detail, list):
        return (str(detail[0]) if detail else "Invalid request."), {}
    return str(detail), {}


def handle(exc, context):
    if isinstance(exc, DomainError):
        exc = exceptions.ValidationError({exc.field: [exc.message]} if exc.field else [exc.message])
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
