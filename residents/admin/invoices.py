"""Invoices in the admin: read-only, as issued. Staff find one by its number ("ICW-2026-000123"),
see its lines, credit notes and payments, and correct it only by a credit note (its own page,
calling ``residents.services.invoices.credit_note_issue``)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyInline
from common.errors import DomainError

from ..choices import InvoiceKind
from ..exceptions import SentTwice
from ..forms.payments import SubmissionField
from ..models import Invoice, InvoiceLine, InvoiceReminder
from ..services.invoices import credit_note_issue, creditable

NUMBER = re.compile(r"^\s*(?:[A-Z0-9]{2,8}-)?(\d{4})-0*(\d{1,9})\s*$", re.IGNORECASE)


class LineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = [
        "position",
        "kind",
        "description",
        "first_day",
        "last_day",
        "area_m2",
        "rate",
        "net",
        "tax_percent",
        "tax",
    ]


class CreditNoteInline(ReadOnlyInline):
    model = Invoice
    fk_name = "credits"
    fields = ["year", "number", "issued_on", "total", "reason"]
    verbose_name = _("credit note")
    verbose_name_plural = _("credit notes")
    show_change_link = True


class ReminderInline(ReadOnlyInline):
    model = InvoiceReminder
    fields = ["days", "sent_at"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("payment")
    parameter_name = "settlement"

    def lookups(self, request, model_admin):
        return [("open", _("Not fully paid")), ("overdue", _("Overdue")), ("paid", _("Paid"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue(timezone.localdate())
        if self.value() == "paid":
            return queryset.filter(kind=InvoiceKind.INVOICE, open_amount__lte=0)
        return queryset


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to credit, tax included"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text=_("Leave empty to reverse the whole invoice."),
    )
    tax_percent = forms.TypedChoiceField(label=_("Tax rate of that amount"), required=False, coerce=Decimal)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    submission = SubmissionField()

    def __init__(self, *args, invoice: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        rates = sorted({line.tax_percent for line in invoice.lines.all()})
        self.fields["tax_percent"].choices = [("", "—")] + [(rate, f"{rate.normalize()} %") for rate in rates]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["display_number", "kind", "company", "period", "issued_on", "due_on", "total", "open", "emailed_at"]
    list_filter = ["kind", "campus", OverdueFilter, "period", "issued_on"]
    search_fields = ["company__name", "company__name_zh", "reason"]
    list_select_related = ["campus", "company"]
    date_hierarchy = "issued_on"
    inlines = [LineInline, CreditNoteInline, ReminderInline]
    readonly_fields = [
        "display_number",
        "kind",
        "campus",
        "company",
        "lease",
        "credits",
        "period",
        "issued_on",
        "due_on",
        "currency",
        "net",
        "tax",
        "total",
        "open",
        "reason",
        "emailed_at",
        "created_by",
        "created_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/residents/invoice/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_settlement()

    def get_search_results(self, request, queryset, search_term):
        """A number (``ICW-2026-000123``, ``2026-123``) finds that invoice; other words search names."""
        match = NUMBER.match(search_term or "")
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            return queryset.filter(year=year, number=number), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("number"), ordering="number")
    def display_number(self, obj: Invoice) -> str:
        return obj.display_number

    @admin.display(description=_("open amount"), ordering="open_amount")
    def open(self, obj: Invoice):
        return obj.open_amount

    def has_add_permission(self, request) -> bool:
        return False  # issued by the monthly job, or as a credit note from an invoice

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an issued invoice is corrected by a credit note, never deleted

    def get_urls(self):
        own = [
            path(
                "<int:pk>/credit-note/",
                self.admin_site.admin_view(self.credit_note_view),
                name="residents_invoice_credit_note",
            )
        ]
        return own + super().get_urls()

    def credit_note_view(self, request, pk: int):
        """Issue a credit note against an invoice: the whole of it, or an amount with its reason."""
        if not request.user.has_perm("residents.add_invoice"):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice.objects.select_related("campus", "company"), pk=pk)
        if invoice.kind != InvoiceKind.INVOICE:
            raise PermissionDenied
        form = CreditNoteForm(request.POST or None, invoice=invoice)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                note = credit_note_issue(
                    invoice=invoice,
                    reason=data["reason"],
                    amount=data["amount"],
                    tax_percent=data["tax_percent"] or None,
                    submission_key=data["submission"] or None,
                    actor=request.user,
                )
            except SentTwice as error:  # a double click: the first sending issued it
                self.message_user(request, error.message, messages.WARNING)
                return redirect(reverse("admin:residents_invoice_change", args=[invoice.pk]))
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(
                    request,
                    _("Credit note %(number)s issued against %(invoice)s.")
                    % {"number": note.display_number, "invoice": invoice.display_number},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:residents_invoice_change", args=[invoice.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": invoice,
            "title": _("Credit note against %(number)s") % {"number": invoice.display_number},
            "form": form,
            "creditable": creditable(invoice),
        }
        return TemplateResponse(request, "admin/residents/invoice/credit_note.html", context)
