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

# Name of the PostgreSQL exclusion constraint created by migration 0002.
OVERLAP_CONSTRAINT = "campus_allocation_no_overlap"


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
    """Allocate ``space`` to ``company``; refuses overlaps and areas larger than the space."""
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
    # Lock the space row so concurrent writers for one space queue up and the loser gets
    # the friendly message from clean(); the exclusion constraint still guards every writer.
    # (On SQLite the IMMEDIATE transaction already holds the database's write lock.)
    locked = Space.objects.select_for_update(of=("self",)).select_related("building")
    allocation.space = locked.get(pk=allocation.space_id)
    _validate(allocation)
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT in str(exc):
            _validate(allocation)  # names the company that got there first
            raise AllocationConflict(
                {
                    "starts_on": _("Space %(space)s was allocated to someone else for these dates.")
                    % {"space": allocation.space}
                }
            ) from exc
        raise
    return allocation


def _validate(allocation: Allocation) -> None:
    try:
        allocation.full_clean()
    except ValidationError as exc:
        AllocationConflict.raise_if_in(exc)
        raise
