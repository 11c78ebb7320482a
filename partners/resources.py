"""Spreadsheet export of referrals (django-import-export)."""

from __future__ import annotations

from import_export import fields

from common.resources import ChoiceLabelWidget, LabelledModelResource
from tenants.choices import ApplicationStatus

from .models import Referral


class ReferralResource(LabelledModelResource):
    partner = fields.Field(attribute="partner__name", column_name="partner")
    company = fields.Field(attribute="company__name", column_name="company")
    status = fields.Field(
        attribute="application__status", column_name="status", widget=ChoiceLabelWidget(ApplicationStatus.choices)
    )

    class Meta:
        model = Referral
        fields = ("id", "partner", "company", "contact_name", "contact_email", "attribution", "status", "created_at")
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("partner", "company", "application")
