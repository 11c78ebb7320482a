"""Payments in the admin: found by campus, company, day and source, shown with their allocations.

A payment is recorded, never edited: its page is read-only, and a new one is written by
``residents.services.payments.payment_record`` (the form checks with ``payment_check`` first).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyInline, ServiceSaveMixin

from ..exceptions import SentTwice
from ..forms.payments import PaymentForm, SubmissionField, payment_form_check
from ..models import Payment, PaymentAllocation, StatementImport
from ..services.payments import payment_record


class PaymentAdminForm(forms.ModelForm):
    invoices = forms.CharField(
        label=_("Invoices"), max_length=500, required=False, help_text=PaymentForm.base_fields["invoices"].help_text
    )
    submission = SubmissionField()
    clean_invoices = PaymentForm.clean_invoices

    class Meta:
        model = Payment
        fields = ["company", "amount", "received_on", "reference", "note"]

    def clean(self):
        return payment_form_check(self, super().clean())


class AllocationInline(ReadOnlyInline):
    model = PaymentAllocation
    fields = ["invoice", "amount", "created_at"]


@admin.register(Payment)
class PaymentAdmin(ServiceSaveMixin, admin.ModelAdmin):
    form = PaymentAdminForm
    list_display = ["received_on", "company", "campus", "amount", "currency", "source", "reference", "recorded_by"]
    list_filter = ["campus", "source", ("company", admin.RelatedOnlyFieldListFilter), "received_on"]
    search_fields = ["company__name", "company__name_zh", "reference", "note", "statement_key"]
    list_select_related = ["company", "campus", "recorded_by"]
    autocomplete_fields = ["company"]
    date_hierarchy = "received_on"
    inlines = [AllocationInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["company", "amount", "received_on", "reference", "invoices", "note", "submission"]
        return [
            "company",
            "campus",
            "amount",
            "currency",
            "received_on",
            "reference",
            "source",
            "statement_key",
            "note",
            "recorded_by",
            "recorded_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def service_save(self, request, form, change):
        data = form.cleaned_data
        try:
            return payment_record(
                company=data["company"],
                amount=data["amount"],
                received_on=data["received_on"],
                reference=data["reference"],
                invoices=data["invoices"] or None,
                note=data["note"],
                submission_key=data["submission"] or None,
                actor=request.user,
            )
        except SentTwice:  # the same form, sent at the same moment: its first sending recorded it
            return Payment.objects.get(submission_key=data["submission"])


@admin.register(StatementImport)
class StatementImportAdmin(admin.ModelAdmin):
    """Statements uploaded, kept as read (who, when, which file); applied on the staff pages."""

    list_display = ["file_name", "campus", "uploaded_by", "uploaded_at", "debits"]
    list_filter = ["campus", "uploaded_at"]
    search_fields = ["file_name", "uploaded_by__email"]
    list_select_related = ["campus", "uploaded_by"]
    fields = ["file_name", "campus", "uploaded_by", "uploaded_at", "debits", "problems", "lines"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
