"""Two allocations of one space never overlap, also when requests race each other."""

from __future__ import annotations

import datetime as dt
import threading
from functools import partial

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from campus.exceptions import AllocationConflict
from campus.models import Allocation
from campus.services import allocation_create
from tests.campus.factories import SpaceFactory
from tests.concurrency import at_once
from tests.tenants.factories import CompanyFactory

D = dt.date


def _race(space, companies, periods):
    """Run allocation_create for each (company, period) in its own thread and connection at once."""
    return at_once(
        *(
            partial(allocation_create, space=space, company=company, starts_on=starts_on, ends_on=ends_on)
            for company, (starts_on, ends_on) in zip(companies, periods, strict=True)
        )
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_allocations_end_with_exactly_one():
    space = SpaceFactory()
    companies = [CompanyFactory(campus=space.building.campus) for _ in range(2)]

    outcomes = _race(space, companies, [(D(2026, 1, 1), D(2026, 6, 30)), (D(2026, 3, 1), None)])

    assert Allocation.objects.filter(space=space).count() == 1
    assert sum(isinstance(outcome, Allocation) for outcome in outcomes) == 1
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Allocation)]
    assert len(refused) == 1 and isinstance(refused[0], AllocationConflict), refused


@pytest.mark.django_db(transaction=True)
def test_concurrent_back_to_back_allocations_both_succeed():
    space = SpaceFactory()
    companies = [CompanyFactory(campus=space.building.campus) for _ in range(2)]

    outcomes = _race(space, companies, [(D(2026, 1, 1), D(2026, 1, 9)), (D(2026, 1, 10), D(2026, 1, 20))])

    assert all(isinstance(outcome, Allocation) for outcome in outcomes), outcomes
    assert Allocation.objects.filter(space=space).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_refuses_overlap_from_writers_that_skip_the_rules():
    space = SpaceFactory()
    first, second = (CompanyFactory(campus=space.building.campus) for _ in range(2))
    Allocation.objects.bulk_create(
        [Allocation(space=space, company=first, starts_on=D(2026, 1, 1), ends_on=D(2026, 1, 9), area_m2=1)]
    )

    # The day after is fine (half-open ranges) ...
    Allocation.objects.bulk_create(
        [Allocation(space=space, company=second, starts_on=D(2026, 1, 10), ends_on=None, area_m2=1)]
    )
    # ... but a raw insert sharing a day is refused by the exclusion constraint itself.
    with pytest.raises(IntegrityError, match="campus_allocation_no_overlap"), transaction.atomic():
        Allocation.objects.bulk_create(
            [Allocation(space=space, company=second, starts_on=D(2026, 1, 9), ends_on=D(2026, 1, 9), area_m2=1)]
        )
    assert Allocation.objects.filter(space=space).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_concurrent_inserts_are_serialised_by_the_constraint():
    """Two writers that bypass the service's lock still cannot both commit overlapping rows.

    PostgreSQL refuses the loser with a constraint violation or, when both rows were in
    flight at once, by cancelling one transaction as a deadlock; either way one row remains.
    """
    space = SpaceFactory()
    companies = [CompanyFactory(campus=space.building.campus) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def insert(company):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                Allocation.objects.create(space=space, company=company, starts_on=D(2026, 1, 1), area_m2=1)
        except (IntegrityError, OperationalError) as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=insert, args=(company,)) for company in companies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Allocation.objects.filter(space=space).count() == 1
    assert len(errors) == 1
