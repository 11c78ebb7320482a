"""Companies, the intake batches they arrive with, and the areas they work in.

Invariants live here; workflows live in ``services/`` and the directory's reads in ``selectors.py``.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from campus.choices import PlatformStages
from campus.models import BusinessArea, Campus, ChoiceLookup, KeepsLookupCodes, chinese_requested
from common.history import history_user
from common.storage import private_storage
from common.translation import translation_history_base

from ..choices import CompanySize, CompanyStatus, DiseaseStages, FocusAreas


class FocusArea(ChoiceLookup):
    choices_class = FocusAreas
    code = models.CharField(_("code"), max_length=40, unique=True, choices=FocusAreas.choices)

    class Meta(ChoiceLookup.Meta):
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")


class DiseaseStage(ChoiceLookup):
    choices_class = DiseaseStages
    code = models.CharField(_("code"), max_length=40, unique=True, choices=DiseaseStages.choices)

    class Meta(ChoiceLookup.Meta):
        verbose_name = _("disease-management stage")
        verbose_name_plural = _("disease-management stages")


def _labels(choices_class, codes: list[str]) -> list[str]:
    labels = dict(choices_class.choices)
    return [str(labels.get(code, code)) for code in codes]


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


def _private_storage():
    """Logos are kept with the private documents (migrations name this function)."""
    return private_storage


def _logo_path(instance, filename: str) -> str:
    """A new name for every logo, so its public address changes with it (``logo_url``)."""
    return f"logos/{uuid.uuid4().hex}.png"


def logo_url(slug: str, name: str) -> str:
    """The public address of a listed resident's logo stored under ``name``; "" without one."""
    if not name:
        return ""
    return reverse("tenants:resident_logo", kwargs={"slug": slug, "key": PurePosixPath(name).stem})


class CompanyQuerySet(models.QuerySet):
    def residents(self) -> CompanyQuerySet:
        return self.filter(status=CompanyStatus.RESIDENT)


class Company(KeepsLookupCodes):
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="companies", verbose_name=_("campus"))
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, editable=False)
    country = CountryField(_("country or region"))
    website = models.URLField(_("website"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(1800)]
    )
    size = models.CharField(_("size"), max_length=20, choices=CompanySize.choices, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    # Uploaded in /my/profile/, where it is checked and redrawn (``residents.services.profile``);
    # the admin leaves it out of its form.
    logo = models.FileField(_("logo"), upload_to=_logo_path, storage=_private_storage, max_length=255, blank=True)
    listed = models.BooleanField(
        _("listed in the directory"),
        default=True,
        help_text=_("While a resident, shown at /residents/ and to partners through the API."),
    )
    business_areas = models.ManyToManyField(
        BusinessArea, verbose_name=_("business areas"), blank=True, related_name="companies"
    )
    focus_areas = models.ManyToManyField(FocusArea, verbose_name=_("focus areas"), blank=True, related_name="companies")
    disease_stages = models.ManyToManyField(
        DiseaseStage, verbose_name=_("disease-management stages"), blank=True, related_name="companies"
    )
    # The codes of business_areas and focus_areas, kept in step with them (KeepsLookupCodes) so
    # that directory lists read one row per company. No form edits them (the admin leaves them
    # out); they are not marked editable=False so that the audit history shows their changes.
    business_area_codes = models.JSONField(_("business area codes"), default=list, blank=True)
    focus_area_codes = models.JSONField(_("focus area codes"), default=list, blank=True)
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

    lookup_codes = {"business_areas": "business_area_codes", "focus_areas": "focus_area_codes"}

    objects = CompanyQuerySet.as_manager()

    history = HistoricalRecords(
        get_user=history_user,
        bases=[
            translation_history_base(
                __name__, description=models.TextField(_("description"), blank=True, max_length=2000)
            )
        ],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            # The resident directory (by name) and the partner API (filtered by country).
            models.Index(fields=["status", "name"], name="tenants_company_status_name"),
            models.Index(fields=["country", "status"], name="tenants_company_country"),
            # The directory's stamp: the newest change of any company (tenants.selectors).
            models.Index(fields=["updated_at"], name="tenants_company_updated"),
            # A campus's residents (the staff dashboard's counts).
            models.Index(fields=["campus", "status"], name="tenants_company_campus_status"),
            # A partner's referral finds the company's open application by its name, in any case.
            models.Index(Upper("name"), name="tenants_company_upper_name"),
            # The admin list's order (Meta.ordering, then -pk).
            models.Index(fields=["name", "-id"], name="tenants_company_list_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = f"{slugify(self.name)[:60] or 'company'}-{uuid.uuid4().hex[:8]}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tenants:resident_detail", kwargs={"slug": self.slug})

    @classmethod
    def lookup_codes_stamp(cls) -> dict:
        return {"updated_at": timezone.now()}  # the directory's stamp reads updated_at

    @classmethod
    def refresh_area_codes(cls, company_ids) -> dict:
        """Copy the codes of these companies' business and focus areas onto their rows, in lookup order."""
        return cls.refresh_lookup_codes(company_ids)

    @property
    def business_area_labels(self) -> list[str]:
        """The business areas' labels from the codes on the row (no query), in lookup order."""
        return _labels(BusinessArea.choices_class, self.business_area_codes)

    @property
    def focus_area_labels(self) -> list[str]:
        return _labels(FocusAreas, self.focus_area_codes)

    @property
    def display_name(self) -> str:
        """The Chinese name on Chinese pages when there is one."""
        return self.name_zh if chinese_requested() and self.name_zh else self.name

    @property
    def logo_url(self) -> str:
        return logo_url(self.slug, self.logo.name)
