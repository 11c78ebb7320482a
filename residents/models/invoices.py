"""Invoices and credit notes, their lines, the per-campus numbering, and the reminders sent.

An issued invoice is never edited or deleted: a mistake is corrected by a credit note, a
document of its own (negative amounts, its own number) that names the invoice it corrects.
Amounts are ``Decimal`` columns with the invoice's ``currency`` (``Money`` through the
properties), each line rounded to the fen as ``residents.rent`` says; totals are sums of lines.

Numbers are gap-free per campus and year: ``InvoiceSequence`` holds the last number given, and
issuing takes that row's lock, so the next number is given only by a transaction that commits
(a rolled-back one gives its number back). ``residents_invoice_number_unique`` makes a number
unique, ``residents_invoice_once_per_period`` makes an invoice unique per lease and month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from campus.models import Campus
from tenants.models import Company

from ..choices import InvoiceKind
from ..rent import LineKind
from .leases import Lease

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class InvoiceSequence(models.Model):
    """The last invoice number given on a campus in a year; its row lock makes numbers gap-free."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="+", verbose_name=_("campus"))
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")
        constraints = [models.UniqueConstraint(fields=["campus", "year"], name="residents_invoice_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.campus_id}/{self.year}: {self.last_number}"


class InvoiceQuerySet(models.QuerySet):
    def with_settlement(self, on: dt.date | None = None):
        """Annotate ``paid`` (payments allocated), ``credited`` (credit notes against it, ≤ 0) and
        ``open_amount`` (what is still owed; 0 for a credit note), in one query with the rows.
        With ``on``, as it stood that day: payments received and credit notes issued by then."""
        from .payments import PaymentAllocation

        zero = models.Value(Decimal("0"), output_field=models.DecimalField(**AMOUNT))
        allocations = PaymentAllocation.objects.filter(invoice=models.OuterRef("pk"))
        credit_notes = Invoice.objects.filter(credits=models.OuterRef("pk"))
        if on is not None:
            allocations = allocations.filter(payment__received_on__lte=on)
            credit_notes = credit_notes.filter(issued_on__lte=on)
        paid = allocations.values("invoice").annotate(s=models.Sum("amount")).values("s")
        credited = credit_notes.values("credits").annotate(s=models.Sum("total")).values("s")
        # Rounded to the fen: SQLite adds decimals as floating point numbers, and a settled invoice
        # must read 0 there, not 1e-13 (an exact no-op on PostgreSQL).
        return self.annotate(
            paid=Round(
                models.functions.Coalesce(models.Subquery(paid, output_field=models.DecimalField(**AMOUNT)), zero), 2
            ),
            credited=Round(
                models.functions.Coalesce(models.Subquery(credited, output_field=models.DecimalField(**AMOUNT)), zero),
                2,
            ),
        ).annotate(
            open_amount=Round(
                models.Case(
                    models.When(kind=InvoiceKind.CREDIT_NOTE, then=zero),
                    default=F("total") + F("credited") - F("paid"),
                    output_field=models.DecimalField(**AMOUNT),
                ),
                2,
            )
        )

    def unsettled(self, on: dt.date | None = None):
        """Invoices that may still be owed (on ``on``, None: now): not settled, or settled after
        ``on``. ``settled_on`` is kept by ``residents.services.payments``; the open amount from
        ``with_settlement`` still decides."""
        still = Q(settled_on__isnull=True) if on is None else Q(settled_on__isnull=True) | Q(settled_on__gt=on)
        return self.filter(still, kind=InvoiceKind.INVOICE)

    def open(self):
        """Invoices not fully paid (on a queryset ``with_settlement``)."""
        return self.filter(kind=InvoiceKind.INVOICE, open_amount__gt=0)

    def overdue(self, today: dt.date):
        """Invoices not fully paid after their due date (on a queryset ``with_settlement``)."""
        return self.open().filter(due_on__lt=today)


class Invoice(models.Model):
    """An issued invoice or credit note. Written once by ``residents.services.invoices``."""

    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("campus"))
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("company"))
    lease = models.ForeignKey(
        Lease, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices", verbose_name=_("lease")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    credits = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("corrects invoice"),
    )
    period = models.DateField(_("period"), null=True, blank=True, help_text=_("First day of the month billed."))
    prefix = models.CharField(
        _("number prefix"), max_length=8, help_text=_("The campus's invoice prefix when it was issued.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    net = models.DecimalField(_("net"), **AMOUNT)
    tax = models.DecimalField(_("tax"), **AMOUNT)
    total = models.DecimalField(_("total"), **AMOUNT)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why a credit note corrects its invoice."))
    submission_key = models.CharField(
        _("form sent"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The key of the form that issued a credit note, so a form sent twice issues one."),
    )
    pdf = models.CharField(_("PDF"), max_length=255, blank=True, help_text=_("Its private document."))
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    settled_on = models.DateField(
        _("settled on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The day the payments and credit notes that settle it add up, the latest of theirs; empty while it is owed."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["campus", "year", "number"], name="residents_invoice_number_unique"),
            models.UniqueConstraint(
                fields=["lease", "period"],
                condition=Q(kind=InvoiceKind.INVOICE, lease__isnull=False),
                name="residents_invoice_once_per_period",
            ),
            models.CheckConstraint(condition=Q(number__gt=0), name="residents_invoice_number_positive"),
            # Rounded: SQLite compares decimals as floating point numbers (exact on PostgreSQL).
            models.CheckConstraint(
                condition=Q(total=Round(F("net") + F("tax"), 2)), name="residents_invoice_total_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(kind=InvoiceKind.INVOICE, credits__isnull=True, total__gte=0)
                | Q(kind=InvoiceKind.CREDIT_NOTE, credits__isnull=False, total__lt=0),
                name="residents_invoice_credit_note_corrects",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "issued_on"], name="residents_invoice_company"),
            models.Index(fields=["due_on"], name="residents_invoice_due"),
            # What may be owed: invoices not settled, or settled after a day asked about.
            models.Index(
                fields=["due_on"],
                condition=Q(kind=InvoiceKind.INVOICE, settled_on__isnull=True, total__gt=0),
                name="residents_invoice_unsettled",
            ),
            models.Index(fields=["campus", "settled_on"], name="residents_invoice_settled"),
            models.Index(fields=["campus", "period"], name="residents_invoice_period"),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return self.format_number(self.prefix, self.year, self.number)

    @staticmethod
    def format_number(prefix: str, year: int, number: int) -> str:
        """``ICW-2026-000123``: the campus's prefix, the year and the number."""
        return f"{prefix}-{year}-{number:06d}"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)

    @property
    def total_money(self) -> Money:
        return self.money(self.total)


class InvoiceLine(models.Model):
    """One line: what, for which days, how much, its tax. Rounded to the fen when written."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice"))
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    first_day = models.DateField(_("from"), null=True, blank=True)
    last_day = models.DateField(_("to"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    days_in_month = models.PositiveSmallIntegerField(_("days in the month"), null=True, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("rate"), max_digits=14, decimal_places=6, null=True, blank=True)
    percent = models.DecimalField(_("share waived (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    net = models.DecimalField(_("net"), **AMOUNT)
    tax_percent = models.DecimalField(_("tax (%)"), max_digits=5, decimal_places=2)
    tax = models.DecimalField(_("tax"), **AMOUNT)

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="residents_invoice_line_position"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position}: {self.kind}"

    @property
    def label(self) -> str:
        return self.description or LineKind(self.kind).label

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


class InvoiceReminder(models.Model):
    """A reminder sent ``days`` after the due date (the row makes it once); 30 days also escalates."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("invoice"))
    days = models.PositiveSmallIntegerField(_("days past due"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["invoice", "days"]
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [models.UniqueConstraint(fields=["invoice", "days"], name="residents_invoice_reminder_once")]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.days}"
