"""Allocations of a space to companies for a period: a space is shared while their areas fit in it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.history import history_user

from ..exceptions import AllocationConflict


def area_display(area: Decimal) -> str:
    """An area in m² as people write it: "60", "60.5", without trailing zeros."""
    return formats.number_format(area.quantize(Decimal(1)) if area == area.to_integral_value() else area.normalize())


def busiest_day(allocations, start: dt.date, end: dt.date | None) -> tuple[dt.date, Decimal, list[Allocation]]:
    """The day from ``start`` to ``end`` (None = open) on which ``allocations`` take the most area.

    Returns that day, the total taken then and the allocations active on it (the first such day
    when several tie; ``start`` with nothing when none overlaps). The total only grows on a day an
    allocation starts, so only ``start`` and those days are compared.
    """
    allocations = [
        a for a in allocations if (a.ends_on is None or a.ends_on >= start) and (end is None or a.starts_on <= end)
    ]
    best: tuple[dt.date, Decimal, list[Allocation]] = (start, Decimal(0), [])
    for day in sorted({start, *(a.starts_on for a in allocations if a.starts_on > start)}):
        active = [a for a in allocations if a.starts_on <= day and (a.ends_on is None or a.ends_on >= day)]
        total = sum((a.area_m2 for a in active), Decimal(0))
        if total > best[1]:
            best = (day, total, active)
    return best


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
    """Part or all of a space given to a company from ``starts_on`` to ``ends_on``, both days included.

    Several companies may share a space while, on every day, their allocated areas add up to no
    more than the space's area; one company holds one allocation of a space at a time.
    ``clean()`` refuses the rest naming who is there and what is left, and on PostgreSQL a
    trigger (migration 0009) refuses every writer, also under concurrent requests.
    """

    # By name: spaces.py imports this module (free area is what allocations leave).
    space = models.ForeignKey(
        "campus.Space", on_delete=models.PROTECT, related_name="allocations", verbose_name=_("space")
    )
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
        # A space no longer let keeps the allocations it has: they may still end or be renewed.
        moved_here = self._state.adding or not Allocation.objects.filter(pk=self.pk, space_id=self.space_id).exists()
        if not self.space.lettable and moved_here:
            raise ValidationError({"space": _("Space %(space)s is not let to companies.") % {"space": self.space}})
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
        others = list(self.conflicting_allocations().select_related("company"))
        twice = next((other for other in others if other.company_id == self.company_id), None)
        if twice is not None:
            message = _("%(company)s already has space %(space)s, %(period)s.") % {
                "company": twice.company,
                "space": self.space,
                "period": twice.period_display,
            }
            raise AllocationConflict({"starts_on": ValidationError(message, code=AllocationConflict.code)})
        day, taken, there = busiest_day(others, self.starts_on, self.ends_on)
        if taken + self.area_m2 > self.space.area_m2:
            raise AllocationConflict(self._space_full(day, self.space.area_m2 - taken, there))

    def _space_full(self, day: dt.date, free: Decimal, there: list[Allocation]) -> dict[str, ValidationError]:
        """Too little left on ``day``: a smaller area may fit (area_m2), or nothing is left (starts_on)."""
        holders = ", ".join(
            _("%(company)s has %(area)s m²") % {"company": a.company, "area": area_display(a.area_m2)} for a in there
        )
        values = {"free": area_display(free), "space": self.space, "day": formats.date_format(day), "holders": holders}
        if free > 0:
            message = _("Only %(free)s m² of %(space)s are free on %(day)s (%(holders)s).") % values
            return {"area_m2": ValidationError(message, code=AllocationConflict.code)}
        message = _("No area of %(space)s is free on %(day)s (%(holders)s).") % values
        return {"starts_on": ValidationError(message, code=AllocationConflict.code)}

    def conflicting_allocations(self) -> AllocationQuerySet:
        return (
            Allocation.objects.filter(space_id=self.space_id)
            .exclude(pk=self.pk)
            .overlapping(self.starts_on, self.ends_on)
            .order_by("starts_on")
        )
