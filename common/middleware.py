"""Refuses, with 400, a request whose address or query string holds a NUL character.

A NUL is never part of a real address or parameter, and PostgreSQL cannot compare text holding
one: left to the views, ``/api/v1/campuses/%00/`` or an admin filter ``?slug=%00`` would end in a
server error. A cookie holding one (``sessionid="\\000..."`` unescapes to NULs) is dropped, as if
never sent. Form and JSON bodies are checked where they are read (form fields and the API's
parser), so the error can stand next to its field.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.html import escape
from django.utils.translation import gettext as _

from .errors import error_body

NUL = "\x00"
# Paths whose clients read JSON errors rather than pages.
JSON_PATHS = ("/api/",)


class RejectNullCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for cookie in [name for name, value in request.COOKIES.items() if NUL in name or NUL in value]:
            del request.COOKIES[cookie]
        name = _name_holding_nul(request)
        if name is None:
            return self.get_response(request)
        message = _("Null characters are not allowed.")
        if request.path_info.startswith(JSON_PATHS):
            body = error_body(400, message, {name: [message]})
            return JsonResponse(body, status=400, json_dumps_params={"separators": (",", ":"), "ensure_ascii": False})
        page = f"<!doctype html><title>{escape(_('Bad request'))}</title><p>{escape(name)}: {escape(message)}</p>"
        return HttpResponse(page, status=400)


def _name_holding_nul(request) -> str | None:
    """The path parameter or query parameter holding a NUL, or None when there is none."""
    if NUL in request.path_info:
        return _path_parameter(request.path_info)
    for name, values in request.GET.lists():
        if NUL in name:
            return name.replace(NUL, "\\u0000")
        if any(NUL in value for value in values):
            return name
    return None


def _path_parameter(path: str) -> str:
    """The route's parameter holding the NUL, found by resolving the path with a digit in its place
    twice (so converters such as ``slug`` or ``int`` still match): it is the one whose value changes."""
    try:
        with_0, with_1 = resolve(path.replace(NUL, "0")), resolve(path.replace(NUL, "1"))
    except Resolver404:
        return "path"
    for name, value in with_0.kwargs.items():
        if with_1.kwargs.get(name) != value:
            return "id" if name == "pk" else name  # the API schema calls a primary key "id"
    return "path"


def not_found(request, exception=None):
    """The site's 404: the API's error shape under JSON_PATHS, Django's page elsewhere."""
    if request.path_info.startswith(JSON_PATHS):
        return JsonResponse(error_body(404, _("Not found.")), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def bad_request(request, exception=None):
    """The site's 400 (e.g. a Host header not allowed): the API's error shape under JSON_PATHS."""
    if request.path_info.startswith(JSON_PATHS):
        return JsonResponse(error_body(400, _("Bad request.")), status=400)
    from django.views.defaults import bad_request as page

    return page(request, exception)
