"""Business actions of the campus app. Views, admin, API and commands call these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.actors import Actor, actor_user

from .exceptions import AllocationConflict
from .models import Allocation, Space

# What the PostgreSQL trigger of migration 0009 names in the error it raises for an allocation
# that does not fit in its space (or a company's second allocation of it).
SPACE_FULL = "campus_allocation_space_full"


@transaction.atomic
def allocation_create(
    *,
    space: Space,
    company,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    area_m2: Decimal | None = None,
    notes: str = "",
    actor: Actor = None,
) -> Allocation:
    """Allocate all or part of ``space`` to ``company``; refuses more area than is free on any day."""
    allocation = Allocation(
        space=space,
        company=company,
        starts_on=starts_on,
        ends_on=ends_on,
        area_m2=area_m2,
        notes=notes,
    )
    return allocation_save(allocation=allocation, actor=actor)


@transaction.atomic
def allocation_save(*, allocation: Allocation, actor: Actor = None) -> Allocation:
    """Store a new or changed allocation, recording who did it; same rules as creating one."""
    if allocation._state.adding:
        allocation.created_by = actor_user(actor)
    allocation.updated_by = actor_user(actor)
    # Lock the space row so concurrent writers for one space queue up and the one that no longer
    # fits gets the friendly message from clean(); the trigger still guards every writer.
    # (On SQLite the IMMEDIATE transaction already holds the database's write lock.)
    locked = Space.objects.select_for_update(of=("self",)).select_related("building")
    allocation.space = locked.get(pk=allocation.space_id)
    _validate(allocation)
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError as exc:
        if SPACE_FULL in str(exc):
            _validate(allocation)  # names the companies that got there first and what they left
            raise AllocationConflict(
                {"starts_on": _("Too little of space %(space)s is free for these dates.") % {"space": allocation.space}}
            ) from exc
        raise
    return allocation


def _validate(allocation: Allocation) -> None:
    try:
        allocation.full_clean()
    except ValidationError as exc:
        AllocationConflict.raise_if_in(exc)
        raise
