"""Companies on a campus and the intake batches they arrived with."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campus.choices import PlatformStages
from campus.models import BusinessArea, Campus

from .choices import CompanyStatus


class IntakeBatch(models.Model):
    """Companies that joined a campus together, e.g. the first batch signed at the opening."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="intake_batches", verbose_name=_("campus")
    )
    name = models.CharField(_("name"), max_length=120)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_at = models.CharField(_("signed at"), max_length=200, blank=True)
    announced_size = models.PositiveSmallIntegerField(
        _("announced number of companies"),
        null=True,
        blank=True,
        help_text=_("As announced; it may count companies that were never named."),
    )

    class Meta:
        ordering = ["campus__name", "signed_on", "name"]
        verbose_name = _("intake batch")
        verbose_name_plural = _("intake batches")
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="tenants_batch_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.campus})"


class CompanyQuerySet(models.QuerySet):
    def residents(self) -> CompanyQuerySet:
        return self.filter(status=CompanyStatus.RESIDENT)


class Company(models.Model):
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="companies", verbose_name=_("campus"))
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country or region"))
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    business_areas = models.ManyToManyField(
        BusinessArea, verbose_name=_("business areas"), blank=True, related_name="companies"
    )
    platform_stage = models.CharField(_("platform stage"), max_length=40, choices=PlatformStages.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CompanyStatus.choices, default=CompanyStatus.APPLICANT
    )
    resident_since = models.DateField(_("resident since"), null=True, blank=True)
    intake_batch = models.ForeignKey(
        IntakeBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="companies",
        verbose_name=_("intake batch"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [models.UniqueConstraint(fields=["campus", "name"], name="tenants_company_unique_name")]

    def __str__(self) -> str:
        return self.name
