"""Buildings and the spaces in them, with the invariants that always hold."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import (
    DateField,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Greatest, Replace, Upper
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.history import history_user

from ..choices import (
    BiosafetyLevel,
    CleanRoomClass,
    SpaceKind,
)
from .allocations import Allocation, area_display, busiest_day
from .campuses import Campus
from .lookup_codes import KeepsLookupCodes
from .lookups import Gas, PlatformStage

# A space's many-to-many fields of lookups, and the fields on its row that hold their codes.
LOOKUP_CODES = {"platform_stages": "platform_stage_codes", "gases": "gas_codes"}

# Kinds of space that can carry laboratory installations.
LAB_KINDS = frozenset({SpaceKind.LABORATORY, SpaceKind.CLEAN_ROOM, SpaceKind.PILOT_PLANT})


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


AREA = DecimalField(max_digits=9, decimal_places=2)


class AllocatedOn(Expression):
    """The area of the space (the row's ``pk``) allocated on ``day`` in total, or NULL when none is.

    The allocations counted are those ``Allocation.objects.active_on(day)`` finds. Written as SQL
    rather than built as an ORM subquery: partners ask "available on a day" on every poll of the
    space list, and building and compiling that subquery took longer than the database ran it.
    """

    output_field = AREA

    def __init__(self, day: dt.date) -> None:
        super().__init__()
        self.day = day
        self.space = F("pk")

    def get_source_expressions(self) -> list:
        return [self.space]

    def set_source_expressions(self, exprs) -> None:
        (self.space,) = exprs

    def as_sql(self, compiler, connection):
        quote, meta = connection.ops.quote_name, Allocation._meta

        def column(name: str) -> str:
            return f"allocated.{quote(meta.get_field(name).column)}"

        space, params = compiler.compile(self.space)
        day = DateField().get_db_prep_value(self.day, connection)
        sql = (
            f"(SELECT SUM({column('area_m2')}) FROM {quote(meta.db_table)} allocated "  # noqa: S608 - names only
            f"WHERE {column('space')} = {space} AND {column('starts_on')} <= %s "
            f"AND ({column('ends_on')} IS NULL OR {column('ends_on')} >= %s))"
        )
        return sql, (*params, day, day)


def _largest_daily_allocation(start: dt.date, end: dt.date | None) -> Expression:
    """The largest area allocated on any one day from ``start`` to ``end`` (inclusive; None = open), or NULL.

    The total allocated only grows on a day an allocation starts, so its largest value over the
    period is reached on the first day of the period or on the first day of an allocation within
    it: the total is taken on each of those days and the largest kept, exactly and in SQL. A period
    of one day has one total, summed directly (a lighter query for "free on this day").
    """
    if end == start:
        return AllocatedOn(start)
    day = Greatest(OuterRef("starts_on"), Value(start, output_field=DateField()))
    on_that_day = (
        Allocation.objects.filter(space=OuterRef("space"), starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by()
        .values("space")
        .annotate(total=Sum("area_m2"))
        .values("total")
    )
    daily_totals = (
        Allocation.objects.filter(space=OuterRef("pk"))
        .overlapping(start, end)
        .annotate(total=Subquery(on_that_day, output_field=AREA))
        .order_by("-total")
        .values("total")[:1]
    )
    return Subquery(daily_totals, output_field=AREA)


def _free_area(start: dt.date, end: dt.date | None) -> ExpressionWrapper:
    allocated = Coalesce(_largest_daily_allocation(start, end), Value(Decimal(0)), output_field=AREA)
    return ExpressionWrapper(F("area_m2") - allocated, output_field=AREA)


class SpaceQuerySet(models.QuerySet):
    def with_location(self) -> SpaceQuerySet:
        return self.select_related("building__campus")

    def available_between(
        self, start: dt.date, end: dt.date | None, min_free_area: Decimal | None = None
    ) -> SpaceQuerySet:
        """Lettable spaces with at least ``min_free_area`` m² (any area when None) free on every day
        from ``start`` to ``end`` (inclusive; None = open). A shared space is free while area is left."""
        least = Value(min_free_area if min_free_area is not None else Decimal("0.01"), output_field=AREA)
        return self.filter(GreaterThanOrEqual(_free_area(start, end), least), lettable=True)

    def available_on(self, day: dt.date) -> SpaceQuerySet:
        return self.available_between(day, day)

    def labelled(self, term: str) -> SpaceQuerySet | None:
        """The spaces whose label (``Space.__str__``) is ``term`` as staff write it: ``A-201``, ``a-201``,
        ``A201``; None when the term holds no label at all."""
        label = re.sub(r"[\s-]", "", term).upper()
        if not label:
            return None
        compact = Replace(
            Replace(Upper(Concat("building__code", "code")), Value("-"), Value("")), Value(" "), Value("")
        )
        return self.alias(compact_label=compact).filter(compact_label=label)

    def with_free_area(self, start: dt.date, end: dt.date | None) -> SpaceQuerySet:
        """Annotate ``free_area_m2``: the area left free on every day from ``start`` to ``end`` (None = open)."""
        return self.annotate(free_area_m2=_free_area(start, end))


class Space(KeepsLookupCodes):
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
    # The codes of platform_stages and gases, kept in step with them (KeepsLookupCodes, refreshed on
    # every change of either) so that lists of spaces read one row per space. No form edits them.
    platform_stage_codes = models.JSONField(_("platform stage codes"), default=list, blank=True)
    gas_codes = models.JSONField(_("gas supply codes"), default=list, blank=True)
    power_notes = models.TextField(_("power"), blank=True, help_text=_("Supply, backup power, special circuits."))
    floor_load_notes = models.TextField(_("floor load"), blank=True, help_text=_("E.g. 5 kN/m² for heavy equipment."))
    description = models.TextField(_("description"), blank=True)
    lettable = models.BooleanField(
        _("lettable"),
        default=True,
        help_text=_("Untick for areas that are never let to a company: shared facilities, technical rooms."),
    )

    lookup_codes = LOOKUP_CODES

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
        if self.pk and not self.lettable:
            ahead = self.allocations.overlapping(timezone.localdate(), None).select_related("company").first()
            if ahead is not None:
                errors["lettable"] = _(
                    "%(company)s holds this space (%(period)s); it stays lettable while allocated."
                ) % {"company": ahead.company, "period": ahead.period_display}
        if self.pk and self.area_m2 is not None:
            today = timezone.localdate()
            current = self.allocations.overlapping(today, None).select_related("company")
            day, total, there = busiest_day(current, today, None)
            if total > self.area_m2:
                errors["area_m2"] = _(
                    "On %(day)s %(total)s m² of this space are allocated (%(companies)s); it cannot be smaller."
                ) % {
                    "day": formats.date_format(day),
                    "total": area_display(total),
                    "companies": ", ".join(str(allocation.company) for allocation in there),
                }
        if errors:
            raise ValidationError(errors)
