"""Campus staff screen applications and keep the company records here."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from common.uploads import check_upload

from . import hooks, privacy, rules
from .choices import TaskState
from .exceptions import InvalidTransition
from .forms import TransitionForm
from .models import (
    AccessLink,
    Application,
    ApplicationContact,
    ApplicationDocument,
    ApplicationEdit,
    ApplicationTransition,
    Company,
    ComplianceDocument,
    DataRequest,
    DomainEvent,
    IntakeBatch,
    Notification,
    OnboardingPlan,
    OnboardingTask,
    OnboardingTemplate,
    OnboardingTemplateTask,
)
from .onboarding import compliance_document_add, onboarding_task_complete, onboarding_task_waive
from .resources import ApplicationResource, CompanyResource
from .selectors import spaces_matching
from .services import application_transition


class IntakeBatchFilter(admin.RelatedFieldListFilter):
    """Batches are named with their campus: read both in one query, not one per batch."""

    def field_choices(self, field, request, model_admin):
        return [(batch.pk, str(batch)) for batch in IntakeBatch.objects.select_related("campus")]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IntakeBatch)
class IntakeBatchAdmin(admin.ModelAdmin):
    list_display = ["name", "campus", "signed_on", "announced_size", "named_companies"]
    list_filter = ["campus"]
    search_fields = ["name", "signed_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campus").annotate(named=Count("companies"))

    @admin.display(description=_("companies on record"), ordering="named")
    def named_companies(self, obj: IntakeBatch) -> int:
        return obj.named


class ExpiredDocumentsFilter(admin.SimpleListFilter):
    title = _("compliance documents")
    parameter_name = "documents"

    def lookups(self, request, model_admin):
        return [("expired", _("Some expired"))]

    def queryset(self, request, queryset):
        return queryset.filter(has_expired_documents=True) if self.value() == "expired" else queryset


@admin.register(Company)
class CompanyAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [CompanyResource]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "country",
        "campus",
        "status",
        "platform_stage",
        "resident_since",
        "intake_batch",
        "documents_expired",
    ]
    list_filter = [
        "campus",
        "status",
        ExpiredDocumentsFilter,
        "platform_stage",
        "business_areas",
        "focus_areas",
        ("intake_batch", IntakeBatchFilter),
        "country",
    ]
    search_fields = ["name", "name_zh", "website", "description"]
    list_select_related = ["campus", "intake_batch__campus"]
    filter_horizontal = ["business_areas", "focus_areas", "disease_stages"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        expired = ComplianceDocument.objects.expired().filter(company=OuterRef("pk"))
        return super().get_queryset(request).annotate(has_expired_documents=Exists(expired))

    @admin.display(description=_("expired documents"), boolean=True, ordering="has_expired_documents")
    def documents_expired(self, obj) -> bool:
        return obj.has_expired_documents


class ContactInline(ReadOnlyInline):
    model = ApplicationContact
    fields = ["name", "role", "email", "phone", "is_primary"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = ApplicationDocument
    fields = ["kind", "download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: ApplicationDocument):
        return format_html('<a href="{}">{}</a>', obj.get_download_url(), obj.original_name)


class TransitionInline(ReadOnlyInline):
    model = ApplicationTransition
    fields = ["created_at", "from_status", "to_status", "who", "reason", "override_reason"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("by"))
    def who(self, obj: ApplicationTransition) -> str:
        return obj.actor_display


class EditInline(ReadOnlyInline):
    model = ApplicationEdit
    fields = ["created_at", "step", "editor_email", "fields"]
    readonly_fields = fields
    classes = ["collapse"]


@admin.register(Application)
class ApplicationAdmin(ExportMixin, SimpleHistoryAdmin):
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
        "campus",
        ("intake_batch", IntakeBatchFilter),
        "company__country",
        "company__business_areas",
        "platform_stage",
        ("submitted_at", admin.DateFieldListFilter),
        "is_demo",
    ]
    search_fields = ["company__name", "contacts__name", "contacts__email"]
    list_select_related = ["company", "campus", "intake_batch__campus"]
    # At campus-network scale: no second COUNT over every application, and no date hierarchy
    # (it reads the distinct years of all rows); the submitted-at filter narrows by date instead.
    show_full_result_count = False
    inlines = [ContactInline, DocumentInline, TransitionInline, EditInline]
    change_form_template = "admin/tenants/application/change_form.html"
    fieldsets = [
        (None, {"fields": ["company", "campus", "status", "intake_batch", "language", "submitted_at", "decided_at"]}),
        (_("Needs"), {"fields": list(Application.NEEDS_FIELDS)}),
        (_("Free spaces that match"), {"fields": ["matching_spaces"]}),
    ]
    readonly_fields = [
        "company",
        "campus",
        "status",
        "language",
        "submitted_at",
        "decided_at",
        *Application.NEEDS_FIELDS,
        "matching_spaces",
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

    @admin.display(description=_("country or region"), ordering="company__country")
    def country(self, obj: Application):
        return obj.company.country.name

    @admin.display(description=_("free spaces"))
    def matching_spaces(self, obj: Application):
        if obj.status not in {"submitted", "screening", "committee_review"}:
            return _("Shown while the application is being screened or reviewed.")
        spaces = list(spaces_matching(obj)[:20])
        if not spaces:
            return _("No free space matches these needs from the requested date.")
        return format_html_join(
            "",
            '<div><a href="{}">{}</a> · {} · {} m²</div>',
            (
                (reverse("admin:campus_space_change", args=[s.pk]), str(s), s.get_kind_display(), s.area_m2)
                for s in spaces
            ),
        )

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


class FailedFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("failing", _("Failing")), ("given_up", _("Given up"))]

    def queryset(self, request, queryset):
        unsent = queryset.filter(sent_at__isnull=True)
        if self.value() == "failing":
            return unsent.filter(attempts__gt=0, attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS)
        if self.value() == "given_up":
            return unsent.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "language", "created_at", "sent_at", "attempts"]
    list_filter = ["kind", "language", ("sent_at", admin.EmptyFieldListFilter), FailedFilter]
    search_fields = ["recipient", "subject", "application__company__name"]
    readonly_fields = [
        "application",
        "company",
        "kind",
        "recipient",
        "language",
        "subject",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "claimed_until",
    ]
    exclude = ["body"]

    def has_add_permission(self, request) -> bool:
        return False


# --- Onboarding ---------------------------------------------------------------------------


class TemplateTaskInline(admin.TabularInline):
    model = OnboardingTemplateTask
    fields = ["position", "title_en", "title_zh", "owner", "due_after_days", "requires_document"]
    extra = 0


@admin.register(OnboardingTemplate)
class OnboardingTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "campus"]
    inlines = [TemplateTaskInline]


class PlanTaskInline(ReadOnlyInline):
    model = OnboardingTask
    fields = ["title_en", "owner", "due_on", "state", "completed_at", "waived_reason", "document"]
    readonly_fields = fields


@admin.register(OnboardingPlan)
class OnboardingPlanAdmin(admin.ModelAdmin):
    list_display = ["company", "campus", "approved_on", "pending_tasks", "overdue_tasks", "completed_at"]
    list_filter = ["campus", ("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["company__name"]
    readonly_fields = ["application", "company", "campus", "approved_on", "completed_at"]
    inlines = [PlanTaskInline]

    def get_queryset(self, request):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .select_related("company", "campus")
            .annotate(
                pending=Count("tasks", filter=Q(tasks__state=TaskState.PENDING)),
                overdue=Count("tasks", filter=Q(tasks__state=TaskState.PENDING, tasks__due_on__lt=today)),
            )
        )

    def has_add_permission(self, request) -> bool:
        return False  # plans come from approvals

    @admin.display(description=_("pending tasks"), ordering="pending")
    def pending_tasks(self, obj) -> int:
        return obj.pending

    @admin.display(description=_("overdue tasks"), ordering="overdue")
    def overdue_tasks(self, obj) -> int:
        return obj.overdue


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for waiving"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(OnboardingTask)
class OnboardingTaskAdmin(admin.ModelAdmin):
    list_display = ["title_en", "company", "owner", "due_on", "state", "completed_at"]
    list_filter = ["state", "owner", OverdueFilter, "plan__campus"]
    search_fields = ["title_en", "title_zh", "plan__company__name"]
    list_select_related = ["plan__company"]
    readonly_fields = [
        "plan",
        "title_en",
        "title_zh",
        "owner",
        "requires_document",
        "due_on",
        "state",
        "completed_at",
        "completed_by",
        "completed_by_email",
        "waived_reason",
        "document",
        "escalated_at",
    ]
    actions = ["mark_done", "waive"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("company"), ordering="plan__company__name")
    def company(self, obj) -> str:
        return obj.plan.company.name

    @admin.action(description=_("Mark the selected tasks done"), permissions=["change"])
    def mark_done(self, request, queryset):
        self._apply(request, queryset, lambda task: onboarding_task_complete(task=task, actor=request.user))

    @admin.action(description=_("Waive the selected tasks…"), permissions=["change"])
    def waive(self, request, queryset):
        form = WaiveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request, queryset, lambda task: onboarding_task_waive(task=task, actor=request.user, reason=reason)
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "tasks": queryset.select_related("plan__company"),
            "action": "waive",
            "title": _("Waive onboarding tasks"),
        }
        return TemplateResponse(request, "admin/tenants/onboardingtask/waive.html", context)

    def _apply(self, request, queryset, change) -> None:
        done, refused = 0, []
        for task in queryset:
            try:
                change(task)
                done += 1
            except InvalidTransition as exc:
                refused.append(f"{task.title_en}: {exc.message}")
        if done:
            self.message_user(request, _("%(count)s task(s) updated.") % {"count": done}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class ComplianceDocumentForm(forms.ModelForm):
    upload = forms.FileField(label=_("File"), required=False)

    class Meta:
        model = ComplianceDocument
        fields = ["company", "kind", "expires_on"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("upload"):
            self.add_error("upload", _("Choose the file to upload."))
        return cleaned

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            check_upload(upload)
        return upload


class ExpiredFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("expired", _("Expired")), ("valid", _("Valid or no expiry"))]

    def queryset(self, request, queryset):
        if self.value() == "expired":
            return queryset.expired()
        if self.value() == "valid":
            return queryset.exclude(pk__in=queryset.expired())
        return queryset


@admin.register(ComplianceDocument)
class ComplianceDocumentAdmin(admin.ModelAdmin):
    form = ComplianceDocumentForm
    list_display = ["company", "kind", "expires_on", "expired", "download", "uploaded_at"]
    list_filter = ["kind", ExpiredFilter, "company__campus"]
    search_fields = ["company__name", "original_name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    readonly_fields = ["download", "content_type", "size", "uploaded_by", "uploaded_at", "reminded_at", "escalated_at"]

    @admin.display(description=_("expired"), boolean=True)
    def expired(self, obj) -> bool:
        return obj.is_expired()

    @admin.display(description=_("file"))
    def download(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_download_url(), obj.original_name)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("upload")
        if upload:
            if change:
                obj.save()
            document = compliance_document_add(
                company=obj.company,
                kind=obj.kind,
                upload=upload,
                expires_on=obj.expires_on,
                by=request.user.email or request.user.get_username(),
            )
            obj.pk, obj.file = document.pk, document.file
            obj._state.adding = False
        else:
            obj.save()


@admin.register(DomainEvent)
class DomainEventAdmin(admin.ModelAdmin):
    list_display = ["type", "occurred_at", "published_at", "key"]
    list_filter = ["type", ("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["key"]
    readonly_fields = ["type", "key", "payload", "occurred_at", "published_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """Applicants' export and erasure requests; staff carry out erasures here."""

    list_display = ["requested_at", "kind", "state", "application", "handled_at", "handled_by"]
    list_filter = ["kind", "state"]
    list_select_related = ["application__company", "handled_by"]
    readonly_fields = [
        "application",
        "kind",
        "state",
        "requested_by",
        "requested_at",
        "handled_at",
        "handled_by",
        "outcome",
    ]
    actions = ["erase_now"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Erase the personal data of the selected requests' applications"))
    def erase_now(self, request, queryset):
        if not request.user.has_perm("tenants.delete_application"):
            raise PermissionDenied
        done = 0
        for data_request in queryset.filter(kind=DataRequest.Kind.ERASURE, state=DataRequest.State.PENDING):
            if data_request.application is not None:
                privacy.erase(data_request.application, request=data_request, actor=request.user)
                done += 1
        self.message_user(request, _("%(count)d erasure(s) carried out.") % {"count": done}, messages.SUCCESS)
