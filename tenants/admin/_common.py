"""What the admin pages of tenants share."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef

from campus.models import BusinessArea
from common.admin import kept_choices

from ..models import Company, IntakeBatch


class CampusFilter(admin.RelatedFieldListFilter):
    """Campuses, kept between pages (``kept_choices``) until one changes (tenants.receivers)."""

    def field_choices(self, field, request, model_admin):
        read = super().field_choices
        return kept_choices(f"{field.model._meta.label_lower}.{field.name}", lambda: read(field, request, model_admin))


class IntakeBatchFilter(admin.RelatedFieldListFilter):
    """Batches are named with their campus: read both in one query, not one per batch, and only the
    names (a campus row holds long texts in every language). Kept between pages (``kept_choices``)
    until a batch or a campus changes (tenants.receivers)."""

    def field_choices(self, field, request, model_admin):
        return kept_choices(f"{field.model._meta.label_lower}.{field.name}", self._batches)

    @staticmethod
    def _batches() -> list[tuple[int, str]]:
        batches = IntakeBatch.objects.select_related("campus").only("name", "campus__name", "campus__short_name")
        return [(batch.pk, str(batch)) for batch in batches]


class BusinessAreaFilter(admin.SimpleListFilter):
    """Applications of companies in a business area, or in none; every area is offered (a handful).

    Read as the companies of the area (a subquery), not by joining each application to its company's
    areas: such a join could repeat an application, and the list would then be made DISTINCT whole.
    """

    title = Company._meta.get_field("business_areas").verbose_name
    parameter_name = "business_area"
    NONE = "none"

    def lookups(self, request, model_admin):
        areas = kept_choices("campus.businessarea", self._areas)
        return [*areas, (self.NONE, model_admin.get_empty_value_display())]

    @staticmethod
    def _areas() -> list[tuple[str, str]]:
        """The areas in the reader's language, kept between pages until one changes (tenants.receivers)."""
        return [(str(area.pk), str(area)) for area in BusinessArea.objects.all()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        companies_areas = Company.business_areas.through.objects
        if self.value() == self.NONE:
            return queryset.filter(~Exists(companies_areas.filter(company_id=OuterRef("company_id"))))
        return queryset.filter(company__in=companies_areas.filter(businessarea_id=self.value()).values("company_id"))
