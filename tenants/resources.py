"""Spreadsheet exports of companies and applications (django-import-export)."""

from __future__ import annotations

from import_export import fields, resources

from .models import Application, Company


class CompanyResource(resources.ModelResource):
    campus = fields.Field(attribute="campus__slug", column_name="campus")
    intake_batch = fields.Field(attribute="intake_batch__name", column_name="intake_batch")

    class Meta:
        model = Company
        fields = ("name", "campus", "country", "website", "status", "platform_stage", "resident_since", "intake_batch")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("campus", "intake_batch")

    def dehydrate_country(self, company) -> str:
        return company.country.code


class ApplicationResource(resources.ModelResource):
    company = fields.Field(attribute="company__name", column_name="company")
    country = fields.Field(column_name="country")
    campus = fields.Field(attribute="campus__slug", column_name="campus")
    intake_batch = fields.Field(attribute="intake_batch__name", column_name="intake_batch")

    class Meta:
        model = Application
        fields = (
            "reference",
            "company",
            "country",
            "campus",
            "status",
            "intake_batch",
            "platform_stage",
            "space_kind",
            "space_area_m2",
            "space_from",
            "space_months",
            "language",
            "submitted_at",
            "decided_at",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("company", "campus", "intake_batch")

    def dehydrate_country(self, application) -> str:
        return application.company.country.code
