"""The API's JSON parser: strict UTF-8 JSON, at most MAX_DEPTH levels deep, no NUL characters.

orjson parses without recursing in Python, so a body nested 100,000 levels deep is refused rather
than raising RecursionError; it also refuses lone surrogates, NaN and Infinity, which no database
column can hold. A NUL in a string or a name is refused here, naming where it is, because
PostgreSQL cannot store or compare text holding one. Numbers beyond ±2⁵³ are refused as I-JSON
(RFC 7493) asks: orjson reads integers past 64 bits as rounded floats, so two different numbers
would read the same (and replay one another's Idempotency-Key).
"""

from __future__ import annotations

import orjson
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from common.errors import field_path

MAX_DEPTH = 32
NUL = "\x00"
LARGEST_EXACT = 2**53


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = orjson.loads(stream.read())
        except orjson.JSONDecodeError as exc:
            if "depth limit" in str(exc):
                raise ParseError(_too_deep()) from None
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from None
        _check(data)
        return data


def _too_deep() -> str:
    return _("JSON may be nested at most %(depth)d levels deep.") % {"depth": MAX_DEPTH}


def _check(data) -> None:
    """Refuse nesting beyond MAX_DEPTH and NUL characters (naming each place), without recursion."""
    holding_nul, inexact = [], []
    pending = [(data, "", 1)]
    while pending:
        value, path, depth = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                holding_nul.append(path or "body")
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > LARGEST_EXACT:
            inexact.append(path or "body")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise ParseError(_too_deep())
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            name = field_path(path, key.replace(NUL, "\\u0000") if isinstance(key, str) else key)
            if isinstance(key, str) and NUL in key:
                holding_nul.append(name)
            pending.append((item, name, depth + 1))
    errors = {name: [_("Null characters are not allowed.")] for name in holding_nul}
    errors |= {name: [_("Numbers may be at most 2^53 in size.")] for name in inexact}
    if errors:
        raise ValidationError(dict(sorted(errors.items())))
