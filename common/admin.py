"""Building blocks of the admin pages: rows shown read-only, rows a service writes."""

from __future__ import annotations

from django.contrib import admin


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
