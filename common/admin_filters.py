"""The filters beside a long admin list (``LargeListMixin``), written as Django's ``admin/filter.html`` writes them.

Django renders that template once per filter, its loop once per choice: a list of applications
offers some 150 choices (countries, campuses, batches, stages, dates), and the template engine
spends more on them than on the list's rows. Here the same HTML is written in Python, where the
filter uses Django's own template and its choices are the usual ones (a dict each, text to show,
a query string). Anything else, a filter with a template of its own, or a project that overrides
``admin/filter.html``, is left to Django: ``filter_html()`` then returns None.
"""

from __future__ import annotations

import functools
from pathlib import Path

import django
from django.contrib.admin import ListFilter
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.contrib.admin.views.main import ChangeList
from django.template.loader import get_template
from django.utils.encoding import iri_to_uri
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, override

DJANGO_FILTER_TEMPLATE = "admin/filter.html"
#: The template's heading (``{% blocktranslate %}``), as its catalogues know it.
BY_TITLE = " By %(filter_title)s "


@functools.cache
def _template_is_djangos() -> bool:
    """Whether ``admin/filter.html`` is found in Django's admin (no project or app overrides it)."""
    origin = get_template(DJANGO_FILTER_TEMPLATE).origin.name
    return Path(origin).resolve() == Path(django.__file__).resolve().parent / "contrib/admin/templates" / (
        DJANGO_FILTER_TEMPLATE
    )


def filter_html(cl: ChangeList, spec: ListFilter) -> str | None:
    """A filter's HTML, byte for byte as Django's template writes it, or None when that is Django's to write."""
    if spec.template != DJANGO_FILTER_TEMPLATE or not _template_is_djangos():
        return None
    choices = list(spec.choices(cl))
    if not all(_usual(choice) for choice in choices):
        return None
    parts = [
        f'\n<details data-filter-title="{_shown(spec.title)}" open>\n  <summary>\n    ',
        _by(spec.title),
        "\n  </summary>\n  <ul>\n  ",
    ]
    for choice in choices:
        selected = ' class="selected"' if choice["selected"] else ""
        query = choice["query_string"]
        # ``|iriencode`` keeps a safe string safe; the template escapes any other.
        href = iri_to_uri(query) if isinstance(query, SafeData) else escape(iri_to_uri(query))
        parts.append(f'\n    <li{selected}>\n    <a href="{href}">{_shown(choice["display"])}</a></li>\n  ')
    parts.append("\n  </ul>\n</details>\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _usual(choice) -> bool:
    """A choice as Django's own filters give it: shown here as the template would show it."""
    return (
        isinstance(choice, dict)
        and {"selected", "query_string", "display"} <= choice.keys()
        and isinstance(choice["query_string"], str)
        and not callable(choice["display"])
    )


def _by(title) -> str:
    """``{% blocktranslate with filter_title=title %} By {{ filter_title }} {% endblocktranslate %}``.

    Where a catalogue's placeholder is wrong, Django writes the block again with no translation
    active, its title too: so here."""
    try:
        return gettext(BY_TITLE) % {"filter_title": _shown(title)}
    except (KeyError, ValueError):
        with override(None):
            return BY_TITLE % {"filter_title": _shown(title)}


def _shown(value: object) -> str:
    """``{{ value }}`` in a template: localised, then escaped unless it is safe already."""
    return conditional_escape(str(localize(template_localtime(value))))


def large_list_filter(cl: ChangeList, spec: ListFilter) -> str:
    """``{% admin_list_filter cl spec %}``, written here where the filter allows it."""
    html = filter_html(cl, spec)
    return admin_list_filter(cl, spec) if html is None else html
