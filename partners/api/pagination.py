"""Cursor pages for every API list, with the limits the schema states.

``cursor`` is opaque: a client passes the ``next`` or ``previous`` link's value unchanged, and
anything else is 400. ``page_size`` is a whole number from 1; more than MAX_PAGE_SIZE is capped.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

WHOLE_NUMBER = re.compile(r"^[0-9]+$")


class Pages(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-pk"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        digits = raw.lstrip("0")
        if not WHOLE_NUMBER.match(raw) or not digits:
            message = _("Give a whole number from 1; at most %(max)d rows are returned.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return self.max_page_size if len(digits) > 9 else min(int(digits), self.max_page_size)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:  # a malformed cursor is bad input, not a missing page
            raise ValidationError({self.cursor_query_param: [str(exc.detail)]}) from exc
        # Every list is ordered by primary key, so a position is a whole number (or absent).
        if cursor is not None and cursor.position is not None and not WHOLE_NUMBER.match(cursor.position):
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]})
        return cursor

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": _("Opaque: the value from a page's next or previous link, passed unchanged."),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("Rows per page, default %(default)d; more than %(max)d is capped to %(max)d.")
                % {"default": self.page_size, "max": self.max_page_size},
                "schema": {"type": "integer", "minimum": 1, "default": self.page_size},
            },
        ]
