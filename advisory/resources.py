"""Spreadsheet export of reviews (django-import-export)."""

from __future__ import annotations

from import_export import fields

from common.resources import LabelledModelResource

from .models import CRITERIA, Review


class ReviewResource(LabelledModelResource):
    company = fields.Field(attribute="application__company__name", column_name="company")
    member = fields.Field(attribute="member__name", column_name="member")

    class Meta:
        model = Review
        fields = ("id", "company", "member", "has_conflict", *CRITERIA, "recommendation", "comment", "submitted_at")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("application__company", "member")
