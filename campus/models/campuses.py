"""Campuses and the targets their managers set."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from common.history import history_user
from common.translation import translation_history_base

from ..choices import (
    TargetComparison,
    TargetMetric,
)
from .lookups import BusinessArea, PlatformStage, chinese_requested


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("%(value)s is not a known time zone; use a name such as Asia/Shanghai."), params={"value": value}
        ) from exc


class Campus(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    city = models.CharField(_("city"), max_length=100)
    district = models.CharField(_("district"), max_length=200, blank=True)
    province = models.CharField(_("province or state"), max_length=100, blank=True)
    country = CountryField(_("country or region"))
    rd_area_m2 = models.PositiveIntegerField(_("R&D area (m²)"))
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    mission = models.TextField(_("mission"), blank=True)
    co_builders = models.TextField(_("co-builders"), blank=True, help_text=_("One organisation per line."))
    platform_stages = models.ManyToManyField(
        PlatformStage, verbose_name=_("platform stages"), blank=True, related_name="campuses"
    )
    business_areas = models.ManyToManyField(
        BusinessArea, verbose_name=_("business areas"), blank=True, related_name="campuses"
    )
    staff_emails = models.TextField(
        _("staff e-mail addresses"),
        blank=True,
        help_text=_("Who hears of new applications and escalations, one address per line."),
    )
    residents_two_factor_required = models.BooleanField(
        _("residents must use two-factor sign-in"),
        default=False,
        help_text=_("Residents' people then set up an authenticator app before their area opens."),
    )
    invoice_prefix = models.CharField(
        _("invoice number prefix"),
        max_length=8,
        default="INV",
        validators=[RegexValidator(r"^[A-Z0-9]{2,8}$", _("Use 2 to 8 capital letters or digits."))],
        help_text=_("Invoice numbers read PREFIX-YEAR-NUMBER, e.g. ICW-2026-000123."),
    )
    billing_day = models.PositiveSmallIntegerField(
        _("billing day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the month on which the month's rent is invoiced (1–28)."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=15,
        validators=[MaxValueValidator(120)],
        help_text=_("Days between an invoice's date and its due date."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Shanghai",
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Shanghai. Opening hours, bookings and calendar feeds use it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        get_user=history_user,
        bases=[
            translation_history_base(
                __name__,
                name=models.CharField(_("name"), max_length=200, blank=True),
                city=models.CharField(_("city"), max_length=100, blank=True),
                district=models.CharField(_("district"), max_length=200, blank=True),
                province=models.CharField(_("province or state"), max_length=100, blank=True),
                mission=models.TextField(_("mission"), blank=True),
                co_builders=models.TextField(_("co-builders"), blank=True),
            )
        ],
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("campus_detail", kwargs={"slug": self.slug})

    @property
    def location(self) -> str:
        """Where the campus is, in the page's language: "Wuxi, <district>, Jiangsu, China" in English,
        from the country down in Chinese ("中国 江苏省 无锡市 <district>")."""
        country = str(self.country.name)
        if chinese_requested():
            return " ".join(part for part in (country, self.province, self.city, self.district) if part)
        return ", ".join(part for part in (self.city, self.district, self.province, country) if part)

    @property
    def other_name(self) -> str:
        """The name in the language the page is not in, shown under the name ("" when it has none)."""
        other = self.name_en if chinese_requested() else self.name_zh_hans
        return "" if not other or other == self.name else other

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The campus's time zone: opening hours and bookings are in its local time."""
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def staff_email_list(self) -> list[str]:
        return [line.strip() for line in self.staff_emails.splitlines() if line.strip()]

    @property
    def co_builder_list(self) -> list[str]:
        return [line.strip() for line in self.co_builders.splitlines() if line.strip()]


class CampusTarget(models.Model):
    """A goal the campus set itself, e.g. more than 50 resident companies by 2022-09-20."""

    campus = models.ForeignKey(Campus, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campus"))
    metric = models.CharField(_("metric"), max_length=40, choices=TargetMetric.choices)
    comparison = models.CharField(_("comparison"), max_length=20, choices=TargetComparison.choices)
    value = models.PositiveIntegerField(_("value"))
    due_on = models.DateField(_("due on"))
    label = models.CharField(_("label as announced"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["campus", "metric", "due_on"], name="campus_target_unique_metric_date")
        ]

    def __str__(self) -> str:
        return self.sentence

    @property
    def sentence(self) -> str:
        """The target as a translated sentence, e.g. "More than 50 resident companies by 20 Sept 2022"."""
        templates = {
            (TargetMetric.RESIDENT_COMPANIES, TargetComparison.MORE_THAN): _(
                "More than %(value)s resident companies by %(date)s"
            ),
            (TargetMetric.RESIDENT_COMPANIES, TargetComparison.AT_LEAST): _(
                "At least %(value)s resident companies by %(date)s"
            ),
        }
        template = templates[(self.metric, self.comparison)]
        return template % {"value": self.value, "date": formats.date_format(self.due_on)}

    @property
    def threshold(self) -> int:
        """The smallest count that meets the target: "more than 50" is met by 51, "at least 50" by 50."""
        return self.value + 1 if self.comparison == TargetComparison.MORE_THAN else self.value
