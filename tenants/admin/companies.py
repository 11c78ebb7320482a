"""Companies and the intake batches they arrived with."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, Exists, OuterRef
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import IndexedSearchMixin, LargeListMixin, PresentChoicesFilter, choice_column

from ..models import Company, ComplianceDocument, IntakeBatch
from ..resources import CompanyResource
from ..selectors import directory_companies
from ._common import IntakeBatchFilter


@admin.register(IntakeBatch)
class IntakeBatchAdmin(TranslationAdmin):
    list_display = ["name", "campus", "signed_on", "announced_size", "named_companies"]
    list_filter = ["campus"]
    search_fields = ["name_en", "name_zh_hans", "signed_at_en", "signed_at_zh_hans"]

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
class CompanyAdmin(LargeListMixin, IndexedSearchMixin, ExportMixin, TranslationAdmin, SimpleHistoryAdmin):
    resource_classes = [CompanyResource]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "country_name",
        "campus",
        "status",
        "listed",
        "platform_stage",
        "resident_since",
        "intake_batch",
        "documents_expired",
    ]
    list_filter = [
        "campus",
        "status",
        "listed",
        ExpiredDocumentsFilter,
        "platform_stage",
        "business_areas",
        "focus_areas",
        ("intake_batch", IntakeBatchFilter),
        ("country", PresentChoicesFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["name", "name_zh", "website", "description_en", "description_zh_hans"]
    list_select_related = ["campus", "intake_batch__campus"]
    country_name = choice_column(Company, "country")
    filter_horizontal = ["business_areas", "focus_areas", "disease_stages"]
    # No date hierarchy (it reads the distinct dates of every company on each view): the created-at
    # filter narrows by date instead.
    # The logo is uploaded in /my/profile/, where it is checked and redrawn; the area codes follow the areas.
    exclude = ["logo", "business_area_codes", "focus_area_codes"]
    readonly_fields = ["logo_shown"]

    def get_queryset(self, request):
        expired = ComplianceDocument.objects.expired().filter(company=OuterRef("pk"))
        return super().get_queryset(request).annotate(has_expired_documents=Exists(expired))

    @admin.display(description=_("expired documents"), boolean=True, ordering="has_expired_documents")
    def documents_expired(self, obj) -> bool:
        return obj.has_expired_documents

    @admin.display(description=_("logo"))
    def logo_shown(self, obj: Company) -> str:
        if not obj.logo:
            return "—"
        if directory_companies().filter(pk=obj.pk).exists():
            return format_html('<img src="{}" alt="" width="96" height="96">', obj.logo_url)
        return _("Stored; shown once the company is a listed resident.")
