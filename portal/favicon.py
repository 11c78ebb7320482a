"""The address browsers ask for an icon before reading any page: /favicon.ico."""

from __future__ import annotations

from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Send the browser to the site's icon, an SVG the pages also link to (a day's cache: the file's
    address changes with its content)."""
    return redirect(static("favicon.svg"))
