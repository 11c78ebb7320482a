"""Leases: a company's agreement for one or more allocations over a term, with its rates,
rent-free or subsidised months, the record of its moves and the alerts sent before it ends.

Amounts are ``djmoney`` Money (a Decimal with its currency, never a float); what a month costs
is worked out in one place, ``residents.services.leases.lease_month_amounts``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator

from campus.models import Allocation, Campus
from tenants.models import Company

from ..choices import LeaseState

PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
MONEY = {"max_digits": 14, "decimal_places": 2, "default_currency": "CNY"}


class Lease(models.Model):
    """A company's lease of its allocations from ``starts_on`` to ``ends_on`` (both days included)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="leases", verbose_name=_("company"))
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="leases", verbose_name=_("campus"))
    allocations = models.ManyToManyField(
        Allocation,
        related_name="leases",
        verbose_name=_("allocations"),
        help_text=_("The company's allocations the lease covers; each lies within the lease's term."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("Last day of the lease."))
    state = models.CharField(_("state"), max_length=20, choices=LeaseState.choices, default=LeaseState.DRAFT)
    rent_rate = MoneyField(_("rent per m² per month"), validators=[MinMoneyValidator(0)], default=Decimal("0"), **MONEY)
    service_charge_rate = MoneyField(
        _("service charge per m² per month"),
        validators=[MinMoneyValidator(0)],
        default=Decimal("0"),
        **MONEY,
    )
    deposit = MoneyField(_("deposit"), validators=[MinMoneyValidator(0)], default=Decimal("0"), **MONEY)
    escalation_percent = models.DecimalField(
        _("yearly escalation (%)"),
        default=Decimal("0"),
        help_text=_("Added to the rent at the start of each full lease year, compounded."),
        **PERCENT,
    )
    rent_tax_percent = models.DecimalField(_("tax on rent (%)"), default=Decimal("9"), **PERCENT)
    service_tax_percent = models.DecimalField(_("tax on service charge (%)"), default=Decimal("6"), **PERCENT)
    terminated_on = models.DateField(
        _("terminated on"), null=True, blank=True, help_text=_("Last day of a lease ended early.")
    )
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    submission_key = models.CharField(
        _("form sent"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The key of the form that allocated the space and prepared it, so a form sent twice acts once."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="residents_lease_term_ordered"),
            models.CheckConstraint(
                condition=Q(state=LeaseState.TERMINATED, terminated_on__isnull=False)
                | (~Q(state=LeaseState.TERMINATED) & Q(terminated_on__isnull=True)),
                name="residents_lease_terminated_has_date",
            ),
        ]
        indexes = [models.Index(fields=["state", "ends_on"], name="residents_lease_state_end")]

    def __str__(self) -> str:
        return _("Lease of %(company)s, %(term)s") % {"company": self.company, "term": self.term_display}

    @property
    def term_display(self) -> str:
        return _("%(start)s – %(end)s") % {
            "start": formats.date_format(self.starts_on),
            "end": formats.date_format(self.ends_on),
        }

    @property
    def last_day(self) -> dt.date:
        """The last day billed: the day it was terminated on, or its end."""
        return self.terminated_on or self.ends_on

    @property
    def area_m2(self) -> Decimal:
        """The area of its allocations (uses prefetched allocations when there are some)."""
        return sum((allocation.area_m2 for allocation in self.allocations.all()), Decimal("0"))

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
        currencies = {self.rent_rate.currency, self.service_charge_rate.currency, self.deposit.currency}
        if len(currencies) > 1:
            raise ValidationError({"service_charge_rate": _("Rent, service charge and deposit take one currency.")})


class LeaseSubsidy(models.Model):
    """Rent waived in months ``from_month``..``to_month`` of the lease (month 1 starts on its first day)."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="subsidies", verbose_name=_("lease"))
    from_month = models.PositiveSmallIntegerField(_("from month"), validators=[MinValueValidator(1)])
    to_month = models.PositiveSmallIntegerField(_("to month"), validators=[MinValueValidator(1)])
    percent = models.DecimalField(
        _("rent waived (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("100 for rent-free months, 50 for half rent."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["lease", "from_month"]
        verbose_name = _("rent subsidy")
        verbose_name_plural = _("rent subsidies")
        constraints = [
            models.CheckConstraint(condition=Q(to_month__gte=F("from_month")), name="residents_subsidy_months_ordered"),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="residents_subsidy_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return _("Months %(from)s–%(to)s: %(percent)s%% of rent waived") % {
            "from": self.from_month,
            "to": self.to_month,
            "percent": formats.number_format(self.percent.normalize()),
        }

    def clean(self) -> None:
        if self.from_month and self.to_month and self.to_month < self.from_month:
            raise ValidationError({"to_month": _("The last month cannot be before the first month.")})


class LeaseTransition(models.Model):
    """One move of a lease: who, when, from which state to which, and why (renewals included)."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("lease"))
    from_state = models.CharField(_("from"), max_length=20, choices=LeaseState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=LeaseState.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["lease", "created_at", "pk"]
        verbose_name = _("lease transition")
        verbose_name_plural = _("lease transitions")

    def __str__(self) -> str:
        return f"{self.lease_id}: {self.from_state} → {self.to_state}"


class LeaseAlert(models.Model):
    """An alert sent ``days`` before the lease's end ``ends_on``: the row makes it once (a renewal alerts anew)."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("lease"))
    days = models.PositiveSmallIntegerField(_("days before the end"))
    ends_on = models.DateField(_("end alerted"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["lease", "-days"]
        verbose_name = _("lease alert")
        verbose_name_plural = _("lease alerts")
        constraints = [
            models.UniqueConstraint(fields=["lease", "days", "ends_on"], name="residents_lease_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.lease_id}: {self.days}"
