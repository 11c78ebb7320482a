"""Onboarding templates, plans and tasks, and the companies' compliance documents."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin import OverdueFilter, ReadOnlyInline, ServiceSaveMixin
from common.uploads import check_upload

from ..exceptions import InvalidTransition
from ..models import ComplianceDocument, OnboardingPlan, OnboardingTask, OnboardingTemplate, OnboardingTemplateTask
from ..services.onboarding import compliance_document_add, onboarding_task_complete, onboarding_task_waive


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


@admin.register(OnboardingPlan)
class OnboardingPlanAdmin(admin.ModelAdmin):
    list_display = ["company", "campus", "approved_on", "pending_tasks", "overdue_tasks", "completed_at"]
    list_filter = ["campus", ("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["company__name"]
    readonly_fields = ["application", "company", "campus", "approved_on", "completed_at"]
    inlines = [PlanTaskInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "campus").with_task_counts()

    def has_add_permission(self, request) -> bool:
        return False  # plans come from approvals

    @admin.display(description=_("pending tasks"), ordering="pending")
    def pending_tasks(self, obj) -> int:
        return obj.pending

    @admin.display(description=_("overdue tasks"), ordering="overdue")
    def overdue_tasks(self, obj) -> int:
        return obj.overdue


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
class ComplianceDocumentAdmin(ServiceSaveMixin, admin.ModelAdmin):
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

    def service_save(self, request, form, change):
        """A file is kept by the service as a new document; one uploaded on a document leaves that one on record."""
        upload = form.cleaned_data.get("upload")
        if not upload:
            return None
        if change:
            form.save()
        document = form.instance
        return compliance_document_add(
            company=document.company,
            kind=document.kind,
            upload=upload,
            expires_on=document.expires_on,
            actor=request.user,
        )
