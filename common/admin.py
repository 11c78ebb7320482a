"""Building blocks of the admin pages: rows shown read-only, rows a service writes, lists of many rows."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db import connections, models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

from common.admin_rows import page_rows


class OverdueFilter(admin.SimpleListFilter):
    """ "Overdue" on a list whose queryset says what overdue means (``QuerySet.overdue()``)."""

    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with their parent and never added, edited or deleted there: each of ``fields`` is read-only.

    A row's own page (``show_change_link``) still offers what the user may do there.
    """

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ServiceSaveMixin:
    """For a ModelAdmin whose new rows a service writes (``review_assign``, ``partner_token_create``).

    ``service_save(request, form, change)`` calls the service and returns the row it saved (or a row
    that needs no saving), or None to let the admin save the form as usual; the admin then logs and
    opens the row it is given.
    The form has been accepted by the time this runs, so a rule the service enforces is also checked
    in the form's ``clean()``, where a refusal shows on the form.
    """

    def service_save(self, request, form, change):
        return None

    def save_form(self, request, form, change):
        saved = self.service_save(request, form, change)
        if saved is None:
            return super().save_form(request, form, change)
        form.saved_by_service = True
        form.save_m2m = lambda: None  # the service saved everything the form holds
        return saved

    def save_model(self, request, obj, form, change):
        if not getattr(form, "saved_by_service", False):
            super().save_model(request, obj, form, change)


class PresentChoicesFilter(admin.ChoicesFieldListFilter):
    """A filter on a field with choices (a country, a sector) offering only the values on record.

    Django's ``ChoicesFieldListFilter`` offers every choice: some 250 countries for a handful of
    companies. Here the choices keep their order and labels (in the reader's language) and are those
    the field's own table holds (``present_values``): on a list across a relation (the applications'
    ``company__country``) a value may be on record and match no row listed, which then lists none.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        present = present_values(field)
        self.present_choices = [(value, label) for value, label in choice_labels(field).items() if value in present]

    def has_output(self) -> bool:
        return bool(self.present_choices)

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {
            f"{i}__c": models.Count(pk_attname, filter=models.Q((self.lookup_kwarg, value)))
            for i, (value, _label) in enumerate(self.present_choices)
        }

    def choices(self, changelist):
        counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        yield {
            "selected": self.lookup_val is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]),
            "display": _("All"),
        }
        for i, (value, label) in enumerate(self.present_choices):
            yield {
                "selected": self.lookup_val is not None and str(value) in self.lookup_val,
                "query_string": changelist.get_query_string({self.lookup_kwarg: value}, [self.lookup_kwarg_isnull]),
                "display": f"{label} ({counts[f'{i}__c']})" if counts is not None else label,
            }


def choice_labels(field: models.Field) -> dict:
    """A field's choices, value to label in the current language, in their order: translated once per language.

    A country field has some 250 choices, sorted by their name in the reader's language; a list page
    would otherwise translate and sort them all on every view.
    """
    return _choice_labels(field, get_language())


@functools.lru_cache(maxsize=64)
def _choice_labels(field: models.Field, language: str | None) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


#: The generation of the filter choices kept in the cache (``kept_choices``): moved on by ``choices_changed``.
CHOICES_GENERATION = "admin:choices:generation"
#: At most this long is a process shown choices from before a change it could not see (Redis unreachable).
CHOICES_SECONDS = 60


def kept_choices(name: str, read: Callable[[], list]) -> list:
    """A filter's choices read from a small table (``read()``), kept in the cache per language.

    Kept under the current generation, which ``choices_changed()`` moves on when a row of such a
    table changes: the next page reads them anew. Choices read while a change commits are kept
    under the generation that change leaves behind, so they are not shown after it.
    """
    generation = cache.get(CHOICES_GENERATION)
    if generation is None:  # not there yet (or the cache was emptied): any new value will do
        generation = time.time_ns()
        cache.add(CHOICES_GENERATION, generation, None)
    key = f"admin:choices:{name}:{get_language()}:{generation}"
    choices = cache.get(key)
    if choices is None:
        choices = read()
        cache.set(key, choices, CHOICES_SECONDS)
    return choices


def choices_changed() -> None:
    """Forget the choices kept by ``kept_choices``: after the current transaction commits (at once without one)."""

    def move_on() -> None:
        try:
            cache.incr(CHOICES_GENERATION)
        except ValueError:
            cache.set(CHOICES_GENERATION, time.time_ns(), None)

    transaction.on_commit(move_on)


def choice_column(model: type[models.Model], path: str):
    """A list column showing the label of a field with choices (a country) reached by ``path``.

    Django's own column of such a field looks the label up in all its choices, listed anew on every
    row (some 250 countries, each translated): here they come from ``choice_labels``. Sorted by the field.
    """
    field = get_fields_from_path(model, path)[-1]
    relations = path.split(LOOKUP_SEP)[:-1]

    @admin.display(description=field.verbose_name, ordering=path)
    def column(model_admin, obj):
        for relation in relations:
            obj = getattr(obj, relation)
        value = getattr(obj, field.attname)
        return choice_labels(field).get(getattr(value, "code", value))  # a CountryField gives a Country

    return column


def search_words(search_term: str) -> list[str]:
    """The words of an admin search, split as Django's own search splits them ("quoted words" stay one)."""
    words = []
    for word in smart_split(search_term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        words.append(word)
    return words


def present_values(field: models.Field) -> set:
    """The distinct values of ``field`` in its table.

    On PostgreSQL the values are read by skipping from one to the next along an index whose first
    column is the field (one probe per value, a few for countries, whatever the size of the table),
    where ``SELECT DISTINCT`` would read every row. A large table's field therefore leads an index.
    """
    model = field.model
    connection = connections[model._base_manager.db]
    if connection.vendor != "postgresql":
        return set(model._base_manager.order_by().values_list(field.attname, flat=True).distinct())
    table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(field.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE present(value) AS (
                (SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY {column} LIMIT 1)
                UNION ALL
                SELECT (SELECT {column} FROM {table} WHERE {column} > present.value ORDER BY {column} LIMIT 1)
                FROM present WHERE present.value IS NOT NULL
            )
            SELECT value FROM present WHERE value IS NOT NULL
            """  # noqa: S608 - names from the model's own table
        )
        return {value for (value,) in cursor.fetchall()}


class EstimatedCountPaginator(Paginator):
    """Counts a list up to ``exact_up_to`` rows; beyond, on PostgreSQL, takes the planner's estimate.

    Above that size nobody pages to the end, and ``COUNT(*)`` reads every row on every view. The
    whole table's size is read from its statistics (``pg_class.reltuples``); a filtered or searched
    list, or a table the statistics call small, is counted up to ``exact_up_to`` + 1 rows (``LIMIT``)
    and, past that, estimated as ``EXPLAIN`` plans it. ``is_estimate`` says when the count is one: the
    admin then shows it as approximate (templates/admin/pagination.html, search_form.html,
    actions.html). Other databases (tests, development) have no estimate and count a long list whole.
    """

    exact_up_to = 10_000
    is_estimate = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[queryset.db]
        postgresql = connection.vendor == "postgresql"
        if postgresql and not queryset.query.where and not queryset.query.distinct:
            estimate = self._table_estimate(connection, queryset.model)
            if estimate > self.exact_up_to:
                self.is_estimate = True
                return estimate
        counted = queryset.order_by()[: self.exact_up_to + 1].count()
        if counted <= self.exact_up_to:
            return counted
        if not postgresql:
            return queryset.count()
        self.is_estimate = True
        return max(self._plan_estimate(queryset), counted)

    def validate_number(self, number):
        """Past the last page of an estimate there may still be rows: such a page may be asked for."""
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.is_estimate and int(number) > self.num_pages:
                return int(number)
            raise

    @staticmethod
    def _table_estimate(connection, model) -> int:
        """The table's rows as last analysed (-1 if never)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [connection.ops.quote_name(model._meta.db_table)],
            )
            return int(cursor.fetchone()[0])

    @staticmethod
    def _plan_estimate(queryset) -> int:
        plan = json.loads(queryset.order_by().explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])


@functools.cache
def with_translations(model: type[models.Model], paths: tuple[str, ...]) -> list[str]:
    """``paths`` and, for each ending at a translated field (modeltranslation), that field in every
    language: showing it reads them all, to fall back to another language when the reader's is empty."""
    fields = []
    for path in paths:
        fields.append(path)
        field = get_fields_from_path(model, path)[-1]
        try:
            translations = translator.get_options_for_model(field.model).all_fields.get(field.name, ())
        except NotRegistered:
            continue
        prefix = path.removesuffix(field.name)
        fields.extend(sorted(prefix + translation.name for translation in translations))
    return fields


class LargeChangeList(ChangeList):
    """Django's list, with the link of each row made from one URL reversed per page, not one per row."""

    PK_MARKER = "9081726354"

    @cached_property
    def _change_url_around_pk(self) -> tuple[str, str] | None:
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(self.PK_MARKER,),
            current_app=self.model_admin.admin_site.name,
        )
        before, marker, after = url.partition(self.PK_MARKER)
        return (before, after) if marker and self.PK_MARKER not in after else None

    def get_results(self, request):
        """The page's rows read with only the fields they show (``list_only``), where the admin names them.

        Only the page: the list's whole queryset (an action on all rows, an export) reads rows whole.
        """
        super().get_results(request)
        only = getattr(self.model_admin, "list_only", None)
        if only and isinstance(self.result_list, models.QuerySet):
            self.result_list = self.result_list.only(*with_translations(self.model, tuple(only)))

    def result_rows(self):
        """The page's rows written once per page and column (``common.admin_rows``), or None for Django's own.

        Used by the list's template (``admin/large_change_list.html``, ``{% large_result_list %}``).
        """
        return page_rows(self, action_checkbox=LargeListMixin.action_checkbox)

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        # An integer key is written as it is (Django's quote() and the path converter leave its digits).
        if type(pk) is int and self._change_url_around_pk is not None:
            before, after = self._change_url_around_pk
            return f"{before}{pk}{after}"
        return super().url_for_result(result)


class LargeListMixin:
    """For the list of a table of tens of thousands of rows and more (applications, companies, referrals).

    Counted with ``EstimatedCountPaginator`` and never counted whole (``show_full_result_count``);
    its filters offer choices read from small tables or indexes, never ``DISTINCT`` over its rows.
    Its rows are written once per page and column (``LargeChangeList.result_rows``) by its template,
    Django's list with only the table's rows changed: an admin's own template extends it.
    """

    change_list_template = "admin/large_change_list.html"
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_changelist(self, request, **kwargs):
        return LargeChangeList

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        """Django's checkbox of a row, written as its widget renders it without a template per row."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )


class IndexedSearchMixin:
    """Each word of a search in any of ``search_fields`` (``icontains``, no prefixes), read field by field.

    The rows matching each field are gathered as a union and the list limited to them, so each field is
    read through its own index (trigram indexes on PostgreSQL, e.g. tenants migration 0015): an OR across
    fields, or across joined rows, tests every row of the list, and the joined rows would repeat rows to
    be made distinct again.
    """

    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        if not search_fields:
            return queryset, False
        rows = queryset.model._default_manager
        for word in search_words(search_term):
            by_field = [rows.filter(**{f"{field}__icontains": word}).order_by().values("pk") for field in search_fields]
            queryset = queryset.filter(pk__in=by_field[0].union(*by_field[1:]))
        return queryset, False
