"""Leases in the admin: prepared as drafts (with their subsidies), then moved only through
``residents.services.leases``: activate, renew until a date, terminate on a date with a reason,
from the list's actions or from each lease's own pages (``<pk>/activate/``, ``renew/``,
``terminate/``, linked from the lease's page and from its allocations' pages). A lease in force
is read-only here but for its notes.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campus.admin import SpaceLabelSearchMixin
from common.admin import ReadOnlyInline
from common.errors import DomainError

from ..choices import LIVE_LEASES, LeaseState
from ..forms.leases import LeaseActivateForm, LeaseRenewForm, LeaseTerminateForm
from ..models import Lease, LeaseAlert, LeaseSubsidy, LeaseTransition
from ..services.leases import lease_activate, lease_renew, lease_terminate, lease_terms_check

#: Each lease's own pages, by the states that offer them (the services decide, these only link).
STEPS = {
    "activate": (_("Activate"), (LeaseState.DRAFT,)),
    "renew": (_("Renew"), LIVE_LEASES),
    "terminate": (_("Terminate early"), LIVE_LEASES),
}


def lease_steps(lease: Lease) -> list[tuple[str, str]]:
    """Links to the pages of the steps the lease's state offers, as (URL, label); for staff who may change it."""
    return [
        (reverse(f"admin:residents_lease_{name}", args=[lease.pk]), label)
        for name, (label, states) in STEPS.items()
        if lease.state in states
    ]


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
class LeaseAdmin(SpaceLabelSearchMixin, admin.ModelAdmin):
    space_label_lookup = "allocations__space"
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

    # --- Each lease's own pages ------------------------------------------------------------------

    def get_urls(self):
        views = {"activate": self.activate_view, "renew": self.renew_view, "terminate": self.terminate_view}
        return [
            *(
                path(f"<int:pk>/{name}/", self.admin_site.admin_view(view), name=f"residents_lease_{name}")
                for name, view in views.items()
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_change = obj is not None and self.has_change_permission(request, obj)
        context["lease_steps"] = lease_steps(obj) if may_change else []
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def activate_view(self, request, pk: int):
        """Put a draft lease into force."""
        return self._step_page(
            request,
            pk,
            step="activate",
            form_class=LeaseActivateForm,
            act=lambda lease, data: lease_activate(lease=lease, actor=request.user, reason=data["reason"]),
            done=lambda lease: gettext("The lease of %(company)s is active.") % {"company": lease.company},
        )

    def renew_view(self, request, pk: int):
        """Extend a running lease, and the allocations that end with it, to a later last day."""
        return self._step_page(
            request,
            pk,
            step="renew",
            form_class=LeaseRenewForm,
            act=lambda lease, data: lease_renew(
                lease=lease, new_ends_on=data["ends_on"], actor=request.user, reason=data["reason"]
            ),
            done=lambda lease: (
                gettext("The lease of %(company)s now runs until %(end)s.")
                % {"company": lease.company, "end": formats.date_format(lease.ends_on)}
            ),
        )

    def terminate_view(self, request, pk: int):
        """End a running lease, and its allocations, early on a day within its term."""
        return self._step_page(
            request,
            pk,
            step="terminate",
            form_class=LeaseTerminateForm,
            act=lambda lease, data: lease_terminate(
                lease=lease, on=data["terminated_on"], reason=data["reason"], actor=request.user
            ),
            done=lambda lease: (
                gettext("The lease of %(company)s ends early on %(day)s.")
                % {"company": lease.company, "day": formats.date_format(lease.terminated_on)}
            ),
        )

    def _step_page(self, request, pk: int, *, step: str, form_class, act: Callable, done: Callable):
        """GET shows the step's form; POST runs it through its service, whose refusal shows on the form."""
        lease = get_object_or_404(self.get_queryset(request).select_related("company"), pk=pk)
        if not self.has_change_permission(request, lease):
            raise PermissionDenied
        form = form_class(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                lease = act(lease, form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(request, done(lease), messages.SUCCESS)
                return redirect("admin:residents_lease_change", lease.pk)
        label, states = STEPS[step]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": lease,
            "allocations": lease.allocations.select_related("space__building"),
            "form": form,
            "step": step,
            "submit": label,
            "offered": lease.state in states,
            "title": gettext("%(step)s: %(lease)s") % {"step": label, "lease": lease},
        }
        return TemplateResponse(request, "admin/residents/lease/step.html", context)

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
