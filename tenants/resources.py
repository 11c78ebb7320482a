"""Spreadsheet exports of companies and applications (django-import-export)."""

from __future__ import annotations

from django.conf import settings
from import_export import fields

from common.resources import ChoiceLabelWidget, CountryWidget, LabelledModelResource

from .models import Application, Company


class CompanyResource(LabelledModelResource):
    campus = fields.Field(attribute="campus__slug", column_name="campus")
    intake_batch = fields.Field(attribute="intake_batch__name", column_name="intake_batch")

    class Meta:
        model = Company
        fields = ("name", "campus", "country", "website", "status", "platform_stage", "resident_since", "intake_batch")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("campus", "intake_batch")


class ApplicationResource(LabelledModelResource):
    company = fields.Field(attribute="company__name", column_name="company")
    country = fields.Field(attribute="company__country", column_name="country", widget=CountryWidget())
    campus = fields.Field(attribute="campus__slug", column_name="campus")
    intake_batch = fields.Field(attribute="intake_batch__name", column_name="intake_batch")
    language = fields.Field(attribute="language", column_name="language", widget=ChoiceLabelWidget(settings.LANGUAGES))

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
