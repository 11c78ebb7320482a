"""Building blocks of the admin pages: rows shown read-only, rows a service writes."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    """A filter on a field with choices (a country, a sector) offering only the values rows have.

    Django's ``ChoicesFieldListFilter`` offers every choice: some 250 countries for a handful of
    companies. Here the choices keep their order and labels (in the reader's language); the values
    present are read in one query, within what the admin lists (``get_queryset``).
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        present = set(model_admin.get_queryset(request).order_by().values_list(field_path, flat=True).distinct())
        self.present_choices = [(value, label) for value, label in field.flatchoices if value in present]

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
