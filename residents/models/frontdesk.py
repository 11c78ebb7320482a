"""Visitors the companies expect, and the deliveries the front desk holds for them.

Each step of a visit or a delivery keeps who took it and when in its own columns (registered,
checked in, checked out, cancelled; logged, collected, escalated); the database refuses a row
whose status lacks the time of the step that led to it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campus.models import Allocation
from tenants.models import Company

from ..choices import VisitStatus

_PERSON = {"on_delete": models.SET_NULL, "null": True, "blank": True, "related_name": "+"}


def _company_in_building(building, day: dt.date) -> Exists:
    """True for a row whose company has a space in ``building`` on ``day``."""
    return Exists(Allocation.objects.active_on(day).filter(company=OuterRef("company"), space__building=building))


class VisitQuerySet(models.QuerySet):
    def at_campus(self, campus) -> VisitQuerySet:
        return self.filter(company__campus=campus)

    def in_building(self, building, day: dt.date) -> VisitQuerySet:
        """Visits to companies with a space in ``building`` on ``day``."""
        return self.filter(_company_in_building(building, day))

    def matching(self, text: str) -> VisitQuerySet:
        """The visitor's name or organisation, or the company visited, contains ``text``."""
        return self.filter(
            Q(visitor_name__icontains=text)
            | Q(organisation__icontains=text)
            | Q(company__name__icontains=text)
            | Q(company__name_zh__icontains=text)
        )


class Visit(models.Model):
    """A visitor a company expects on a day, announced by its people or registered at the desk."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="visits", verbose_name=_("company"))
    host = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("host"), **_PERSON)
    visitor_name = models.CharField(_("visitor's name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    visit_date = models.DateField(_("date"))
    expected_time = models.TimeField(_("expected at"), null=True, blank=True)
    walk_in = models.BooleanField(_("walk-in"), default=False, help_text=_("Registered at the front desk on arrival."))
    status = models.CharField(_("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.EXPECTED)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), **_PERSON)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked in by"), **_PERSON)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked out by"), **_PERSON)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), **_PERSON)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["visit_date", F("expected_time").asc(nulls_last=True), "visitor_name", "pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["visit_date", "status"], name="residents_visit_day"),
            models.Index(fields=["company", "visit_date"], name="residents_visit_company_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[VisitStatus.CHECKED_IN, VisitStatus.CHECKED_OUT])
                | Q(checked_in_at__isnull=False),
                name="residents_visit_checked_in_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=VisitStatus.CHECKED_OUT) | Q(checked_out_at__isnull=False),
                name="residents_visit_checked_out_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=VisitStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="residents_visit_cancelled_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visitor_name} → {self.company} ({self.visit_date})"


class DeliveryQuerySet(models.QuerySet):
    def waiting(self) -> DeliveryQuerySet:
        return self.filter(collected_at__isnull=True)

    def flagged(self) -> DeliveryQuerySet:
        return self.filter(Q(cold_chain=True) | Q(biological=True) | Q(hazardous=True))

    def in_building(self, building, day: dt.date) -> DeliveryQuerySet:
        """Deliveries for companies with a space in ``building`` on ``day``."""
        return self.filter(_company_in_building(building, day))


class Delivery(models.Model):
    """A parcel the front desk took in for a company, until someone of the company collects it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("company"))
    carrier = models.CharField(_("carrier"), max_length=100)
    description = models.CharField(_("description"), max_length=300)
    cold_chain = models.BooleanField(_("cold chain"), default=False)
    biological = models.BooleanField(_("biological material"), default=False)
    hazardous = models.BooleanField(_("hazardous goods"), default=False)
    logged_at = models.DateTimeField(_("logged at"), default=timezone.now)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), **_PERSON)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    collected_by_name = models.CharField(_("collected by"), max_length=200, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), **_PERSON)
    escalated_at = models.DateTimeField(
        _("escalated at"), null=True, blank=True, help_text=_("When the front desk and the company were reminded.")
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-logged_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["company", "collected_at"], name="residents_delivery_waiting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(collected_at__isnull=True) | ~Q(collected_by_name=""),
                name="residents_delivery_collector_named",
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier}: {self.description} → {self.company}"

    @property
    def flags(self) -> list[str]:
        """The handling flags, as labels (empty for an ordinary parcel)."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ("cold_chain", "biological", "hazardous")
            if getattr(self, name)
        ]

    @property
    def is_flagged(self) -> bool:
        return self.cold_chain or self.biological or self.hazardous
