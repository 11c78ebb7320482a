"""Campuses, buildings, spaces and allocations, with the invariants that always hold.

Workflows (allocating a space) live in ``services.py``; reads shared by several callers
(free spaces) live in ``selectors.py`` and in the query sets below.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from common.history import history_user

from .choices import (
    BiosafetyLevel,
    BusinessAreas,
    CleanRoomClass,
    Gases,
    PlatformStages,
    SpaceKind,
    TargetComparison,
    TargetMetric,
)
from .exceptions import AllocationConflict

# Kinds of space that can carry laboratory installations.
LAB_KINDS = frozenset({SpaceKind.LABORATORY, SpaceKind.CLEAN_ROOM, SpaceKind.PILOT_PLANT})


def chinese_requested() -> bool:
    return (get_language() or "").lower().startswith("zh")


# --- Fixed vocabularies as rows ---------------------------------------------------------


class ChoiceLookup(models.Model):
    """One row per value of a fixed vocabulary, so many-to-many fields can be joined and filtered.

    The rows are created from the choices after every migrate (``sync_lookups``); the label
    shown to users is the translated choice label.
    """

    choices_class: type[models.TextChoices]

    position = models.PositiveSmallIntegerField(_("position"), default=0, editable=False)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        try:
            return str(self.choices_class(self.code).label)
        except ValueError:
            return self.code


class PlatformStage(ChoiceLookup):
    choices_class = PlatformStages
    code = models.CharField(_("code"), max_length=40, unique=True, choices=PlatformStages.choices)

    class Meta(ChoiceLookup.Meta):
        verbose_name = _("platform stage")
        verbose_name_plural = _("platform stages")


class BusinessArea(ChoiceLookup):
    choices_class = BusinessAreas
    code = models.CharField(_("code"), max_length=40, unique=True, choices=BusinessAreas.choices)

    class Meta(ChoiceLookup.Meta):
        verbose_name = _("business area")
        verbose_name_plural = _("business areas")


class Gas(ChoiceLookup):
    choices_class = Gases
    code = models.CharField(_("code"), max_length=40, unique=True, choices=Gases.choices)

    class Meta(ChoiceLookup.Meta):
        verbose_name = _("gas supply")
        verbose_name_plural = _("gas supplies")


def sync_lookups(sender, using: str = "default", apps=None, **kwargs) -> None:
    """Give every choice of the sending app's lookup models its row, in declared order.

    Connected to ``post_migrate`` by each app that has lookups, so the rows come back after
    every migrate and every test-database flush, like content types.
    """
    for model in sender.get_models():
        if not issubclass(model, ChoiceLookup):
            continue
        if apps is not None:
            try:
                apps.get_model(model._meta.app_label, model._meta.model_name)
            except LookupError:  # migrated only part of the way
                continue
        for position, code in enumerate(model.choices_class.values):
            model.objects.using(using).update_or_create(code=code, defaults={"position": position})


# --- Campus ------------------------------------------------------------------------------


class Campus(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["name"]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("campus_detail", kwargs={"slug": self.slug})

    @property
    def display_name(self) -> str:
        """The name in the language of the request, falling back to English."""
        if chinese_requested() and self.name_zh:
            return self.name_zh
        return self.name

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

    def is_met_by(self, count: int) -> bool:
        if self.comparison == TargetComparison.MORE_THAN:
            return count > self.value
        return count >= self.value


# --- Buildings and spaces -----------------------------------------------------------------


class Building(models.Model):
    campus = models.ForeignKey(Campus, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("campus"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    floors = models.PositiveSmallIntegerField(_("floors above ground"), null=True, blank=True)
    gross_floor_area_m2 = models.PositiveIntegerField(_("gross floor area (m²)"))
    is_demo = models.BooleanField(
        _("illustrative demo data"),
        default=False,
        help_text=_("Set on buildings invented for demonstrations, so nobody mistakes them for real ones."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["campus__name", "code"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [models.UniqueConstraint(fields=["campus", "code"], name="campus_building_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class SpaceQuerySet(models.QuerySet):
    def with_location(self) -> SpaceQuerySet:
        return self.select_related("building__campus")

    def allocated_between(self, start: dt.date, end: dt.date | None) -> SpaceQuerySet:
        return self.filter(Exists(Allocation.objects.filter(space=OuterRef("pk")).overlapping(start, end)))

    def available_between(self, start: dt.date, end: dt.date | None) -> SpaceQuerySet:
        """Spaces with no allocation touching any day from ``start`` to ``end`` (inclusive; None = open)."""
        return self.exclude(Exists(Allocation.objects.filter(space=OuterRef("pk")).overlapping(start, end)))

    def available_on(self, day: dt.date) -> SpaceQuerySet:
        return self.available_between(day, day)

    def with_allocated_on(self, day: dt.date) -> SpaceQuerySet:
        """Annotate ``allocated_on_day``: whether the space is taken on ``day``, in the same query."""
        return self.annotate(
            allocated_on_day=Exists(Allocation.objects.filter(space=OuterRef("pk")).overlapping(day, day))
        )


class Space(models.Model):
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="spaces", verbose_name=_("building"))
    code = models.CharField(_("code"), max_length=30)
    floor = models.SmallIntegerField(_("floor"), default=1)
    kind = models.CharField(_("kind"), max_length=30, choices=SpaceKind.choices)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    platform_stages = models.ManyToManyField(
        PlatformStage,
        verbose_name=_("suits platform stages"),
        blank=True,
        related_name="spaces",
    )
    biosafety_level = models.CharField(_("biosafety level"), max_length=10, choices=BiosafetyLevel.choices, blank=True)
    cleanroom_class = models.CharField(_("clean-room class"), max_length=10, choices=CleanRoomClass.choices, blank=True)
    fume_hoods = models.PositiveSmallIntegerField(_("fume hoods"), default=0)
    has_cold_room = models.BooleanField(_("cold room"), default=False)
    gases = models.ManyToManyField(Gas, verbose_name=_("gas supplies"), blank=True, related_name="spaces")
    power_notes = models.TextField(_("power"), blank=True, help_text=_("Supply, backup power, special circuits."))
    floor_load_notes = models.TextField(_("floor load"), blank=True, help_text=_("E.g. 5 kN/m² for heavy equipment."))
    description = models.TextField(_("description"), blank=True)

    objects = SpaceQuerySet.as_manager()

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["building__campus__name", "building__code", "code"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.UniqueConstraint(fields=["building", "code"], name="campus_space_unique_code"),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="campus_space_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.building.code}-{self.code}" if self.building_id else self.code

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind not in LAB_KINDS:
            if self.biosafety_level:
                errors["biosafety_level"] = _("Only laboratories, clean rooms and pilot plants have a biosafety level.")
            if self.cleanroom_class:
                errors["cleanroom_class"] = _(
                    "Only laboratories, clean rooms and pilot plants have a clean-room class."
                )
            if self.fume_hoods:
                errors["fume_hoods"] = _("Only laboratories, clean rooms and pilot plants have fume hoods.")
        if self.pk and self.area_m2 is not None:
            largest = (
                self.allocations.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=dt.date.today()))
                .order_by("-area_m2")
                .first()
            )
            if largest and largest.area_m2 > self.area_m2:
                errors["area_m2"] = _("%(company)s is allocated %(area)s m² of this space; it cannot be smaller.") % {
                    "company": largest.company,
                    "area": formats.number_format(largest.area_m2),
                }
        if errors:
            raise ValidationError(errors)


# --- Allocations ----------------------------------------------------------------------


class AllocationQuerySet(models.QuerySet):
    def overlapping(self, start: dt.date, end: dt.date | None) -> AllocationQuerySet:
        """Allocations sharing at least one day with ``start``..``end`` (inclusive; None = open end)."""
        qs = self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        if end is not None:
            qs = qs.filter(starts_on__lte=end)
        return qs

    def active_on(self, day: dt.date) -> AllocationQuerySet:
        return self.overlapping(day, day)


class Allocation(models.Model):
    """A space given to a company from ``starts_on`` to ``ends_on``, both days included.

    Two allocations of one space never share a day: ``clean()`` says so with the other
    company's name, and on PostgreSQL an exclusion constraint (migration 0002) refuses
    every writer, also under concurrent requests.
    """

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("space"))
    # A string reference keeps this app free of imports from the tenants app.
    company = models.ForeignKey(
        "tenants.Company", on_delete=models.PROTECT, related_name="allocations", verbose_name=_("company")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Last day of the allocation. Leave empty for an open end.")
    )
    area_m2 = models.DecimalField(
        _("allocated area (m²)"),
        max_digits=9,
        decimal_places=2,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Leave empty to allocate the whole space."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = AllocationQuerySet.as_manager()

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["space", "starts_on"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campus_allocation_period_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="campus_allocation_area_positive"),
        ]
        indexes = [models.Index(fields=["space", "starts_on", "ends_on"], name="campus_alloc_space_period")]

    def __str__(self) -> str:
        return _("%(space)s to %(company)s, %(period)s") % {
            "space": self.space,
            "company": self.company,
            "period": self.period_display,
        }

    @property
    def period_display(self) -> str:
        start = formats.date_format(self.starts_on)
        if self.ends_on is None:
            return _("from %(start)s, open end") % {"start": start}
        return _("%(start)s – %(end)s") % {"start": start, "end": formats.date_format(self.ends_on)}

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
        if self.space_id is None or self.starts_on is None:
            return
        if self.area_m2 is None:
            self.area_m2 = self.space.area_m2
        if self.area_m2 > self.space.area_m2:
            raise ValidationError(
                {
                    "area_m2": _("%(area)s m² is more than the %(space_area)s m² of space %(space)s.")
                    % {
                        "area": formats.number_format(self.area_m2),
                        "space_area": formats.number_format(self.space.area_m2),
                        "space": self.space,
                    }
                }
            )
        conflict = self.conflicting_allocations().select_related("company").first()
        if conflict is not None:
            message = _("Space %(space)s is already allocated to %(company)s, %(period)s.") % {
                "space": self.space,
                "company": conflict.company,
                "period": conflict.period_display,
            }
            raise AllocationConflict({"starts_on": ValidationError(message, code=AllocationConflict.code)})

    def conflicting_allocations(self) -> AllocationQuerySet:
        return (
            Allocation.objects.filter(space_id=self.space_id)
            .exclude(pk=self.pk)
            .overlapping(self.starts_on, self.ends_on)
            .order_by("starts_on")
        )

    def is_active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)
