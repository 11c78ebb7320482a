"""Milestones per campus and stage (edited here), and the reports and stage moves (read here; they
are reviewed and made on the staff pages at /staff/stages/, through the services)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from common.errors import DomainError

from ..models import MilestoneReport, StageMilestone, StageTransition
from ..services.stages import milestone_accept


@admin.register(StageMilestone)
class StageMilestoneAdmin(TranslationAdmin):
    list_display = ["title_en", "title_zh_hans", "campus", "stage", "required", "position"]
    list_filter = ["campus", "stage", "required"]
    search_fields = ["title_en", "title_zh_hans", "description_en", "description_zh_hans"]
    list_select_related = ["campus"]
    ordering = ["campus", "stage", "position", "pk"]
    fieldsets = [
        (None, {"fields": ["campus", "stage", "position", "required"]}),
        (_("Title and description"), {"fields": ["title", "description"]}),
    ]


class RecordAdmin(admin.ModelAdmin):
    """Rows written by the services: read here, never added or deleted."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MilestoneReport)
class MilestoneReportAdmin(RecordAdmin):
    list_display = ["milestone", "company", "state", "reviewer", "reported_at", "decided_at", "review_page"]
    list_filter = ["state", "company__campus", "milestone__stage", ("reviewer", admin.EmptyFieldListFilter)]
    search_fields = ["company__name", "milestone__title_en", "milestone__title_zh_hans", "note"]
    list_select_related = ["milestone", "company", "reviewer"]
    date_hierarchy = "reported_at"
    actions = ["accept"]

    @admin.display(description=_("review"))
    def review_page(self, obj) -> str:
        return format_html('<a href="{}">{}</a>', reverse("residents:staff_report", args=[obj.pk]), _("Open"))

    @admin.action(description=_("Accept the selected reports"), permissions=["change"])
    def accept(self, request, queryset):
        accepted = 0
        for report in queryset.waiting():
            try:
                milestone_accept(report=report, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{report}: {error.message}", messages.ERROR)
            else:
                accepted += 1
        self.message_user(request, _("%(count)d reports accepted.") % {"count": accepted}, messages.SUCCESS)


@admin.register(StageTransition)
class StageTransitionAdmin(RecordAdmin):
    list_display = ["company", "from_stage", "to_stage", "actor", "created_at"]
    list_filter = ["to_stage", "company__campus"]
    search_fields = ["company__name", "reason", "override_reason"]
    list_select_related = ["company", "actor"]
    date_hierarchy = "created_at"
