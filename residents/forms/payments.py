"""Forms of payments: recording one by hand, filtering the list, uploading a bank statement."""

from __future__ import annotations

import re
import secrets
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campus.models import Campus
from common.errors import DomainError
from tenants.models import Company

from ..choices import PaymentSource
from ..exceptions import SentTwice
from ..models import Invoice
from ..services.payments import payment_check
from ..statements import MAX_BYTES

NUMBER = re.compile(r"^([A-Z0-9]{2,8})-(\d{4})-(\d{1,6})$")


def billable_companies():
    """Companies with a lease or an invoice: those a payment can come from."""
    return Company.objects.filter(Q(leases__isnull=False) | Q(invoices__isnull=False)).distinct().order_by("name")


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.campus})" if obj.campus_id else obj.name


class AmountField(forms.DecimalField):
    """An amount as people type it from a bank slip: "5,000.00" and "¥5000" read as 5000."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[,\s¥￥]", "", unicodedata.normalize("NFKC", value))
        return super().to_python(value)


class SubmissionField(forms.CharField):
    """A random key the form is shown with and sent back with: the service keeps it with what it
    writes (a unique column), so the same form sent twice (a double click, a reload) acts once."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(
            label=_("form sent"),
            required=False,
            initial=lambda: secrets.token_urlsafe(24),
            validators=[RegexValidator(r"^[A-Za-z0-9_-]{16,64}$")],
            **kwargs,
        )


def _numbered(match: re.Match, company: Company | None) -> Invoice | None:
    """The invoice a typed number names. Each campus numbers its own, so two may print the same
    number: the paying company's is the one meant, else another's (for the service to refuse)."""
    numbered = Invoice.objects.select_related("campus").filter(
        prefix=match[1], year=int(match[2]), number=int(match[3])
    )
    return (company and numbered.filter(company=company).first()) or numbered.order_by("pk").first()


class PaymentForm(forms.Form):
    """A payment recorded by hand; the service's own check runs in ``clean()``."""

    submission = SubmissionField()

    company = CompanyChoiceField(label=_("Company"), queryset=Company.objects.none())
    amount = AmountField(label=_("Amount received"), max_digits=14, decimal_places=2)
    received_on = forms.DateField(
        label=_("Received on"), help_text=_("The day the money reached the campus's account (YYYY-MM-DD).")
    )
    reference = forms.CharField(label=_("Bank reference"), max_length=140, required=False)
    invoices = forms.CharField(
        label=_("Invoices"),
        max_length=500,
        required=False,
        help_text=_(
            "Invoice numbers the payment is for, e.g. ICW-2026-000123, separated by commas. "
            "Leave empty to settle the company's open invoices, the oldest due first."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = billable_companies().select_related("campus")
        self.fields["received_on"].initial = timezone.localdate()

    def clean_invoices(self) -> list[Invoice]:
        text = unicodedata.normalize("NFKC", self.cleaned_data.get("invoices") or "").upper()
        tokens = [token for token in re.split(r"[,;\s]+", text) if token]
        company = self.cleaned_data.get("company")
        invoices = []
        for token in tokens:
            match = NUMBER.match(token)
            invoice = _numbered(match, company) if match else None
            if invoice is None:
                raise forms.ValidationError(
                    _("There is no invoice numbered %(number)s."), params={"number": token[:30]}, code="unknown"
                )
            invoices.append(invoice)
        return invoices

    def clean(self):
        return payment_form_check(self, super().clean())


def payment_form_check(form: forms.BaseForm, cleaned: dict) -> dict:
    """The service's checks on a payment form (staff page or admin), each shown on its field; a
    form sent a second time is said above the form (its key is a hidden field)."""
    data = {key: cleaned.get(key) for key in ("company", "amount", "received_on")}
    if all(value is not None for value in data.values()) and "invoices" in cleaned:
        try:
            payment_check(
                **data, invoices=cleaned["invoices"] or None, submission_key=cleaned.get("submission") or None
            )
        except DomainError as error:
            twice = isinstance(error, SentTwice)
            field = error.field if error.field in form.fields and not twice else None
            form.add_error(field, ValidationError(error.message, "sent_twice" if twice else None))
    return cleaned


class PaymentFilter(forms.Form):
    """The payments list's filters; an invalid filter filters nothing."""

    company = CompanyChoiceField(label=_("Company"), queryset=Company.objects.none(), required=False)
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.all(), required=False, empty_label=_("All"), to_field_name="slug"
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All")), *PaymentSource.choices])
    received_from = forms.DateField(label=_("Received from"), required=False)
    received_to = forms.DateField(label=_("Received until"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = billable_companies().select_related("campus")
        self.fields["company"].empty_label = _("All")

    def apply(self, queryset):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("company"):
            queryset = queryset.filter(company=data["company"])
        if data.get("campus"):
            queryset = queryset.filter(campus=data["campus"])
        if data.get("source"):
            queryset = queryset.filter(source=data["source"])
        if data.get("received_from"):
            queryset = queryset.filter(received_on__gte=data["received_from"])
        if data.get("received_to"):
            queryset = queryset.filter(received_on__lte=data["received_to"])
        return queryset


class StatementUploadForm(forms.Form):
    campus = forms.ModelChoiceField(
        label=_("Campus"),
        queryset=Campus.objects.all(),
        help_text=_("The campus whose bank account the statement is of; its invoice numbers are looked for."),
    )
    file = forms.FileField(label=_("Bank statement"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campuses = list(Campus.objects.order_by("name")[:2])
        if len(campuses) == 1:  # one campus: nothing to choose
            self.fields["campus"].initial = campuses[0]
            self.fields["campus"].empty_label = None
        self.fields["file"].help_text = _(
            "A CSV or Excel (.xlsx) export of the account's transactions, at most %(limit)s MB."
        ) % {"limit": MAX_BYTES // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; export a shorter period."),
                params={"limit": MAX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload
