"""Allocations of a space to a company for a period, which never overlap."""

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

    # By name: spaces.py imports this module (free spaces are those without an allocation).
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
