"""The rows of a long admin list (``LargeListMixin``), written as Django's ``items_for_result`` writes them.

Django works out each cell from scratch: which field the column shows, its choices (a dict built
anew), its empty value, its class, the date format of the language, the boolean icons' URLs, the
row's link with the list's filters. Here that is done once per page, for each column, and a row only
reads its values and escapes them: the same HTML, at a fraction of the cost on a page of 50 rows.

A list this does not cover (editable rows, a popup, a column that is a model's attribute or method)
is left to Django: ``page_rows()`` then returns None.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.admin.templatetags.admin_list import ResultList, _boolean_icon, _coerce_field_name
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

#: A column's writer: the row's object in, its cell's classes and escaped content out.
Cell = Callable[[models.Model], tuple[str, str]]


def page_rows(cl, action_checkbox=None) -> list[ResultList] | None:
    """The rows of the page as Django's ``results(cl)`` gives them, each one item holding the whole row.

    ``action_checkbox`` is the admin method known to write Django's own checkbox (``LargeListMixin``'s):
    that column is then written here without calling it. None when the list is left to Django.
    """
    if getattr(cl, "formset", None) is not None or cl.is_popup or cl.to_field:
        return None
    empty = cl.model_admin.get_empty_value_display()
    columns = []
    first = True
    for index, name in enumerate(cl.list_display):
        linked = _link_in_column(first, name, cl)
        cell = _column(cl, name, index, empty, linked, action_checkbox)
        if cell is None:
            return None
        if linked:
            columns.append(_linked(cl, cell, "th" if first else "td"))
            first = False
        else:
            columns.append(_unlinked(cell))
    # Each cell escapes what it shows (as Django's format_html() does): a row is their concatenation.
    return [
        ResultList(None, [mark_safe("".join([column(result) for column in columns]))])  # noqa: S308
        for result in cl.result_list
    ]


def _link_in_column(first: bool, name, cl) -> bool:
    if cl.list_display_links is None:
        return False
    if first and not cl.list_display_links:
        return True
    return name in cl.list_display_links


def _unlinked(cell: Cell) -> Callable[[models.Model], str]:
    def write(result) -> str:
        classes, content = cell(result)
        return f'<td class="{classes}">{content}</td>'

    return write


def _linked(cl, cell: Cell, tag: str) -> Callable[[models.Model], str]:
    """A cell linking to the row's page, keeping the list's filters, as Django writes it."""
    around = _change_url_around_pk(cl)

    def write(result) -> str:
        classes, content = cell(result)
        pk = getattr(result, cl.pk_attname)
        if type(pk) is int and around is not None:
            url = f"{around[0]}{pk}{around[1]}"
        else:
            try:
                url = escape(
                    add_preserved_filters(
                        {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, cl.url_for_result(result)
                    )
                )
            except NoReverseMatch:
                return f'<{tag} class="{classes}">{content}</{tag}>'
        return f'<{tag} class="{classes}"><a href="{url}">{content}</a></{tag}>'

    return write


def _change_url_around_pk(cl) -> tuple[str, str] | None:
    """The escaped link of a row with an integer key, around that key: the filters added once per page."""
    marker = getattr(cl, "PK_MARKER", None)
    try:
        around = getattr(cl, "_change_url_around_pk", None)
    except NoReverseMatch:
        return None
    if marker is None or around is None:
        return None
    url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, marker.join(around))
    before, found, after = escape(url).partition(marker)
    return (before, after) if found and marker not in after else None


def _column(cl, name, index: int, empty: str, linked: bool, action_checkbox) -> Cell | None:
    model_admin = cl.model_admin
    field_class = f"field-{_coerce_field_name(name, index)}"
    try:
        field = _get_non_gfk_field(cl.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        if callable(name):
            attr = name
        elif hasattr(model_admin, name) and name != "__str__":
            attr = getattr(model_admin, name)
        else:
            return None  # a model's attribute, method or path: Django's own reading of it
        known_checkbox = action_checkbox is not None and getattr(attr, "__func__", None) is action_checkbox
        if name == "action_checkbox" and known_checkbox:
            return _checkbox_column(field_class, empty)
        return _callable_column(attr, field_class, empty, name == "action_checkbox")
    if field.auto_created:
        return None
    return _field_column(field, name, field_class, empty, linked)


def _checkbox_column(field_class: str, admin_empty: str) -> Cell:
    """Django's checkbox of a row (``ModelAdmin.action_checkbox``), its label translated once per page."""
    label = gettext("Select this object for an action - {}")

    def cell(result) -> tuple[str, str]:
        try:
            pk, text = result.pk, str(result)
        except ObjectDoesNotExist:
            return field_class, conditional_escape(admin_empty)  # as Django shows a row it cannot read
        return "action-checkbox", (
            f'<input type="checkbox" name="_selected_action" value="{escape(pk)}" class="action-select" '
            f'aria-label="{label.format(escape(text))}">'
        )

    return cell


def _callable_column(attr, field_class: str, admin_empty: str, is_checkbox: bool) -> Cell:
    """A column computed by the admin (``@admin.display``): its value shown as ``display_for_value`` shows it."""
    empty = conditional_escape(getattr(attr, "empty_value_display", admin_empty))
    boolean = getattr(attr, "boolean", False)
    icons = _boolean_icons() if boolean else None
    classes = "action-checkbox" if is_checkbox else field_class
    nowrap = f"{classes} nowrap"

    def cell(result) -> tuple[str, str]:
        try:
            value = attr(result)
        except ObjectDoesNotExist:
            return field_class, conditional_escape(admin_empty)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        if icons is not None:
            shown = icons[value] if value is None or type(value) is bool else _boolean_icon(value)
        elif value is None or value == "":
            shown = empty
        elif type(value) is str:
            shown = escape(value)
        elif isinstance(value, SafeData):
            shown = value
        else:
            shown = conditional_escape(display_for_value(value, empty, boolean))
        return (nowrap if isinstance(value, (datetime.date, datetime.time)) else classes), shown

    return cell


def _field_column(field: models.Field, name: str, field_class: str, admin_empty: str, linked: bool) -> Cell:
    """A column showing a model field, as ``display_for_field`` shows it."""
    empty = conditional_escape(admin_empty)
    classes = field_class
    if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
        classes = f"{field_class} nowrap"

    if isinstance(field.remote_field, models.ManyToOneRel):
        # The rows of a page, read by one query, name a few campuses or batches many times: each is
        # written once (its text may read translated fields, with their fallbacks).
        shown_by_pk = {}

        def cell(result) -> tuple[str, str]:
            try:
                related = getattr(result, name)
            except ObjectDoesNotExist:
                return field_class, empty
            if related is None:
                return classes, empty
            pk = related.pk
            shown = shown_by_pk.get(pk)
            if shown is None:
                shown = conditional_escape(related)
                if pk is not None:
                    shown_by_pk[pk] = shown
            return classes, shown

        return cell

    def generic(value) -> str:
        return conditional_escape(display_for_field(value, field, admin_empty, avoid_link=linked))

    show = generic
    if getattr(field, "flatchoices", None):
        try:
            labels = {value: conditional_escape(label) for value, label in field.flatchoices}
        except TypeError:
            labels = None  # choices that are lists: Django's own lookup
        if labels is not None:

            def show(value) -> str:
                try:
                    return labels.get(value, empty)
                except TypeError:
                    return generic(value)

    elif isinstance(field, models.BooleanField):
        icons = _boolean_icons()

        def show(value) -> str:
            return icons[value] if value is None or type(value) is bool else _boolean_icon(value)

    elif isinstance(field, models.DateTimeField):
        datetime_format = get_format("DATETIME_FORMAT")

        def show(value) -> str:
            if type(value) is datetime.datetime:
                return escape(dateformat.format(timezone.template_localtime(value), datetime_format))
            return generic(value)

    elif isinstance(field, models.DateField):
        date_format = get_format("DATE_FORMAT")

        def show(value) -> str:
            if type(value) is datetime.date:
                return escape(dateformat.format(value, date_format))
            return generic(value)

    elif isinstance(field, (models.CharField, models.TextField)) and not isinstance(field, models.URLField):

        def show(value) -> str:
            if value is None or value == "":
                return empty
            if type(value) is str:
                return escape(value)
            return generic(value)

    def cell(result) -> tuple[str, str]:
        try:
            value = getattr(result, name)
        except ObjectDoesNotExist:
            return field_class, empty
        if isinstance(value, str) and value.strip() == "":
            value = ""
        return classes, show(value)

    return cell


def _boolean_icons() -> dict:
    """Django's icons of yes, no and unknown, their static URLs found once per page."""
    return {value: _boolean_icon(value) for value in (True, False, None)}
