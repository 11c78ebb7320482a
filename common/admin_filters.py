"""The filters beside a long admin list (``LargeListMixin``), written as Django's ``admin/filter.html`` writes them.

Django renders that template once per filter, its loop once per choice: a list of applications
offers some 150 choices (countries, campuses, batches, stages, dates), and the template engine
spends more on them than on the list's rows. Here the same HTML is written in Python, where the
filter uses Django's own template; a filter with another template (or a project that overrides
``admin/filter.html``) is left to Django: ``filter_html()`` then returns None.
"""

from __future__ import annotations

import functools
from pathlib import Path

import django
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.template.loader import get_template
from django.utils.encoding import iri_to_uri
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

DJANGO_FILTER_TEMPLATE = "admin/filter.html"


@functools.cache
def _template_is_djangos() -> bool:
    """Whether ``admin/filter.html`` is found in Django's admin (no project or app overrides it)."""
    origin = get_template(DJANGO_FILTER_TEMPLATE).origin.name
    return Path(origin).resolve() == Path(django.__file__).resolve().parent / "contrib/admin/templates" / (
        DJANGO_FILTER_TEMPLATE
    )


def filter_html(cl, spec) -> str | None:
    """A filter's HTML, byte for byte as Django's template writes it, or None when that is Django's to write."""
    if spec.template != DJANGO_FILTER_TEMPLATE or not _template_is_djangos():
        return None
    title = _shown(spec.title)
    parts = [
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    ',
        gettext(" By %(filter_title)s ") % {"filter_title": title},
        "\n  </summary>\n  <ul>\n  ",
    ]
    for choice in spec.choices(cl):
        selected = ' class="selected"' if choice["selected"] else ""
        href = conditional_escape(iri_to_uri(choice["query_string"]))
        parts.append(f'\n    <li{selected}>\n    <a href="{href}">{_shown(choice["display"])}</a></li>\n  ')
    parts.append("\n  </ul>\n</details>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _shown(value) -> str:
    """``{{ value }}`` in a template: localised, then escaped unless it is safe already."""
    return conditional_escape(str(localize(template_localtime(value))))


def large_list_filter(cl, spec) -> str:
    """``{% admin_list_filter cl spec %}``, written here where the filter allows it."""
    html = filter_html(cl, spec)
    return admin_list_filter(cl, spec) if html is None else html
