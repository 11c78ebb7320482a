"""Leases in the admin: prepared as drafts (with their subsidies), then moved only by the
actions, which call ``residents.services.leases``: activate, renew until a date, terminate on a
date with a reason. A lease in force is read-only here but for its notes.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyInline
from common.errors import DomainError

from ..choices import LeaseState
from ..models import Lease, LeaseAlert, LeaseSubsidy, LeaseTransition
from ..services.leases import lease_activate, lease_renew, lease_terminate, lease_terms_check


class LeaseForm(forms.ModelForm):
    class Meta:
        model = Lease
        fields = [
            "company",
            "allocations",
            "starts_on",
            "ends_on",
            "rent_rate",
            "service_charge_rate",
            "deposit",
            "escalation_percent",
            "rent_tax_percent",
            "service_tax_percent",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        company, allocations = cleaned.get("company"), cleaned.get("allocations")
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if company and allocations is not None and starts_on and ends_on:
            try:
                lease_terms_check(
                    company=company,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    allocations=allocations.select_related("space__building", "company"),
                    lease=self.instance,
                )
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class LeaseActionForm(ActionForm):
    """The date and reason the renew and terminate actions need, next to the action menu."""

    on = forms.DateField(label=_("Date"), required=False, help_text=_("New last day, or the day it ends early."))
    reason = forms.CharField(label=_("Reason"), required=False)


class SubsidyInline(admin.TabularInline):
    model = LeaseSubsidy
    extra = 0
    fields = ["from_month", "to_month", "percent", "note"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.state == LeaseState.DRAFT)

    has_add_permission = has_delete_permission = has_change_permission


class TransitionInline(ReadOnlyInline):
    model = LeaseTransition
    fields = ["created_at", "from_state", "to_state", "reason", "actor"]


class AlertInline(ReadOnlyInline):
    model = LeaseAlert
    fields = ["days", "ends_on", "sent_at"]


@admin.register(Lease)
class LeaseAdmin(admin.ModelAdmin):
    form = LeaseForm
    action_form = LeaseActionForm
    list_display = ["company", "campus", "starts_on", "ends_on", "state", "rent_rate", "service_charge_rate"]
    list_filter = ["state", "campus", "ends_on"]
    search_fields = ["company__name", "company__name_zh", "allocations__space__code", "notes"]
    list_select_related = ["company", "campus"]
    autocomplete_fields = ["company", "allocations"]
    date_hierarchy = "ends_on"
    inlines = [SubsidyInline, TransitionInline, AlertInline]
    actions = ["activate", "renew", "terminate"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["state", "terminated_on", "termination_reason", "created_by", "created_at"]
        if obj is None or obj.state == LeaseState.DRAFT:
            return fixed
        return [*fixed, *(f.name for f in Lease._meta.get_fields() if f.concrete and f.editable and f.name != "notes")]

    def get_fields(self, request, obj=None):
        return [*LeaseForm.Meta.fields, "state", "terminated_on", "termination_reason", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        obj.campus_id = obj.company.campus_id
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.state == LeaseState.DRAFT)

    @admin.action(description=_("Activate the selected draft leases"), permissions=["change"])
    def activate(self, request, queryset):
        self._apply(request, queryset, lambda lease: lease_activate(lease=lease, actor=request.user))

    @admin.action(description=_("Renew the selected leases until the date given"), permissions=["change"])
    def renew(self, request, queryset):
        on, reason = self._date_and_reason(request)
        if on is None:
            self.message_user(request, _("Give the new last day in the date field."), messages.ERROR)
            return
        self._apply(
            request, queryset, lambda lease: lease_renew(lease=lease, new_ends_on=on, actor=request.user, reason=reason)
        )

    @admin.action(description=_("Terminate the selected leases on the date given"), permissions=["change"])
    def terminate(self, request, queryset):
        on, reason = self._date_and_reason(request)
        self._apply(
            request, queryset, lambda lease: lease_terminate(lease=lease, on=on, reason=reason, actor=request.user)
        )

    def _date_and_reason(self, request):
        form = LeaseActionForm(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        form.is_valid()
        return form.cleaned_data.get("on"), form.cleaned_data.get("reason", "")

    def _apply(self, request, queryset, change) -> None:
        done = 0
        for lease in queryset.select_related("company"):
            try:
                change(lease)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{lease.company}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)s lease(s) updated.") % {"count": done}, messages.SUCCESS)
