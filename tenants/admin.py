from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Company, IntakeBatch


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


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "campus", "status", "platform_stage", "resident_since", "intake_batch"]
    list_filter = ["campus", "status", "platform_stage", "business_areas", "intake_batch", "country"]
    search_fields = ["name", "website", "description"]
    list_select_related = ["campus", "intake_batch__campus"]
    filter_horizontal = ["business_areas"]
    date_hierarchy = "created_at"
