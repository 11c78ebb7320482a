"""Campus staff screen applications here and move them through their states."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import IndexedSearchMixin, LargeListMixin, PresentChoicesFilter, ReadOnlyInline, choice_column

from .. import hooks, rules
from ..exceptions import InvalidTransition
from ..forms import TransitionForm
from ..models import (
    AccessLink,
    Application,
    ApplicationContact,
    ApplicationDocument,
    ApplicationEdit,
    ApplicationTransition,
)
from ..resources import ApplicationResource
from ..services.applications import application_transition
from ._common import BusinessAreaFilter, CampusFilter, IntakeBatchFilter
from ._spaces import space_panel


class ContactInline(ReadOnlyInline):
    model = ApplicationContact
    fields = ["name", "role", "email", "phone", "is_primary"]


class DocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ["kind", "download", "content_type", "size", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("file"))
    def download(self, obj: ApplicationDocument):
        return format_html('<a href="{}">{}</a>', obj.get_download_url(), obj.original_name)


class TransitionInline(ReadOnlyInline):
    model = ApplicationTransition
    fields = ["created_at", "from_status", "to_status", "who", "reason", "override_reason"]
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("by"))
    def who(self, obj: ApplicationTransition) -> str:
        return obj.actor_display


class EditInline(ReadOnlyInline):
    model = ApplicationEdit
    fields = ["created_at", "step", "editor_email", "fields"]
    classes = ["collapse"]


@admin.register(Application)
class ApplicationAdmin(LargeListMixin, IndexedSearchMixin, ExportMixin, SimpleHistoryAdmin):
    resource_classes = [ApplicationResource]
    list_display = [
        "company",
        "campus",
        "status",
        "country",
        "platform_stage",
        "submitted_at",
        "intake_batch",
        "is_demo",
    ]
    list_filter = [
        "status",
        ("campus", CampusFilter),
        ("intake_batch", IntakeBatchFilter),
        ("company__country", PresentChoicesFilter),
        BusinessAreaFilter,
        "platform_stage",
        ("submitted_at", admin.DateFieldListFilter),
        "is_demo",
    ]
    search_fields = ["company__name", "contacts__name", "contacts__email"]
    list_select_related = ["company", "campus", "intake_batch__campus"]
    # What the rows show (their columns, and the company named by each row's checkbox): a row read
    # whole, with its company and two campuses, is some 120 columns.
    list_only = [
        "status",
        "platform_stage",
        "submitted_at",
        "is_demo",
        "company__name",
        "company__country",
        "campus__name",
        "campus__short_name",
        "intake_batch__name",
        "intake_batch__campus__name",
        "intake_batch__campus__short_name",
    ]
    country = choice_column(Application, "company__country")
    # At campus-network scale (LargeListMixin), and no date hierarchy (it reads the distinct years
    # of all rows): the submitted-at filter narrows by date instead.
    inlines = [ContactInline, DocumentInline, TransitionInline, EditInline]
    change_form_template = "admin/tenants/application/change_form.html"
    fieldsets = [
        (None, {"fields": ["company", "campus", "status", "intake_batch", "language", "submitted_at", "decided_at"]}),
        (_("Needs"), {"fields": list(Application.NEEDS_FIELDS)}),
    ]
    readonly_fields = [
        "company",
        "campus",
        "status",
        "language",
        "submitted_at",
        "decided_at",
        *Application.NEEDS_FIELDS,
    ]

    def has_add_permission(self, request) -> bool:
        return False  # applications come from applicants (and partners' referrals)

    def get_actions(self, request):
        """The admin's actions and those higher apps add (``hooks.application_admin_actions``)."""
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions  # no actions on this page, as Django decides
        extra = [self.get_action(action) for action in hooks.admin_actions_for(self, request)]
        # Django's own check of each action's ``permissions``, as for the actions listed above.
        for func, name, description in self._filter_actions_by_permissions(request, extra):
            actions.setdefault(name, (func, name, description))
        return actions

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["space_panel"] = space_panel(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="tenants_application_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk: int):
        """Move an application to another state, through the one function that checks and records it."""
        application = get_object_or_404(Application.objects.select_related("company"), pk=pk)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        form = TransitionForm(request.POST or None, application=application)
        if request.method == "POST" and form.is_valid():
            try:
                application_transition(
                    application=application,
                    to=form.cleaned_data["to"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    override_reason=form.cleaned_data["override_reason"],
                )
            except InvalidTransition as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                self.message_user(request, _("The application is now “%s”.") % application.get_status_display())
                return redirect("admin:tenants_application_change", pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": application,
            "form": form,
            "reviews_missing": rules.reviews_missing(application),
            "title": _("Change the status of %(app)s") % {"app": application},
        }
        return TemplateResponse(request, "admin/tenants/application/transition.html", context)


@admin.register(AccessLink)
class AccessLinkAdmin(admin.ModelAdmin):
    list_display = ["email", "application", "created_at", "expires_at", "used_at"]
    search_fields = ["email", "application__company__name"]
    list_select_related = ["application__company"]
    readonly_fields = ["application", "email", "created_at", "expires_at", "used_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False
