"""Payments received from companies, and how each is spread over their invoices.

A payment belongs to a company; the part of it not allocated to invoices is credit the company
carries, allocated to its next invoices. A company's balance is the sum of its ledger: invoices
and credit notes issued, less payments received (``residents.services.ledger``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from campus.models import Campus
from tenants.models import Company

from ..choices import PaymentSource
from .invoices import AMOUNT, Invoice


class Payment(models.Model):
    """Money received from a company on a day, with the bank's reference. Recorded, never edited."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="payments", verbose_name=_("campus"))
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="payments", verbose_name=_("company"))
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    reference = models.CharField(_("reference"), max_length=140, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=PaymentSource.choices, default=PaymentSource.MANUAL)
    statement_key = models.CharField(
        _("statement line"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Fingerprint of the bank statement line it came from, so a statement imported twice pays once."),
    )
    submission_key = models.CharField(
        _("form sent"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The key of the form that recorded it, so a form sent twice records one payment."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="residents_payment_positive")]
        indexes = [models.Index(fields=["company", "received_on"], name="residents_payment_company")]

    def __str__(self) -> str:
        return f"{self.company} {self.amount_money} ({self.received_on})"

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)


class PaymentAllocation(models.Model):
    """The part of a payment that settles one invoice."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("payment")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payment_allocations", verbose_name=_("invoice")
    )
    amount = models.DecimalField(_("amount"), **AMOUNT)
    created_at = models.DateTimeField(_("allocated at"), auto_now_add=True)

    class Meta:
        ordering = ["payment", "pk"]
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="residents_payment_allocation_positive"),
            models.UniqueConstraint(fields=["payment", "invoice"], name="residents_payment_allocation_once"),
        ]
        # What was paid of a few invoices, summed from the index alone.
        indexes = [models.Index(fields=["invoice"], include=["payment", "amount"], name="residents_payalloc_invoice")]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {self.amount}"


class StatementImport(models.Model):
    """A bank statement as read at upload: its credit lines, kept between the preview and applying them.

    Kept in the database, so any web machine shows and applies what another read; only the staff
    member who uploaded it opens it. Each line carries its ``key`` (``Payment.statement_key``): a
    line applied once is never applied again, from this upload or any other holding the same line.
    """

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+", verbose_name=_("campus"))
    file_name = models.CharField(_("file"), max_length=200)
    lines = models.JSONField(_("credit lines"), default=list)
    debits = models.PositiveIntegerField(_("debit lines left out"), default=0)
    problems = models.JSONField(_("lines not read"), default=list)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d})"
