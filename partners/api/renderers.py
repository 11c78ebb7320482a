"""The API's JSON renderer: orjson, several times faster than the standard library on long lists.

Output matches DRF's compact renderer for what the API returns: UTF-8 without escapes, dates in
ISO 8601, decimals and lazy translations as strings.
"""

from __future__ import annotations

import decimal
import uuid

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import JSONRenderer


def _default(value):
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__iter__"):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)
