"""Allocations of one space never take more than its area on any day, also when requests race each other."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
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
def test_twenty_companies_racing_to_share_a_space_end_with_exactly_those_that_fit():
    space = SpaceFactory(area_m2=Decimal("100"))
    companies = [CompanyFactory(campus=space.building.campus) for _ in range(20)]

    outcomes = at_once(
        *(
            partial(allocation_create, space=space, company=company, starts_on=D(2026, 1, 1), area_m2=Decimal("30"))
            for company in companies
        )
    )

    won = [outcome for outcome in outcomes if isinstance(outcome, Allocation)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Allocation)]
    assert len(won) == 3 and Allocation.objects.filter(space=space).count() == 3
    assert all(isinstance(outcome, AllocationConflict) for outcome in refused), refused
    assert all("Only 10 m²" in outcome.message_dict["area_m2"][0] for outcome in refused)


def _raw(space, company, starts_on, ends_on, area):
    Allocation.objects.bulk_create(
        [Allocation(space=space, company=company, starts_on=starts_on, ends_on=ends_on, area_m2=area)]
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_refuses_more_area_than_the_space_from_writers_that_skip_the_rules():
    space = SpaceFactory(area_m2=Decimal("100"))
    first, second, third = (CompanyFactory(campus=space.building.campus) for _ in range(3))
    _raw(space, first, D(2026, 1, 1), D(2026, 1, 9), 60)
    _raw(space, second, D(2026, 1, 5), None, 40)  # shares the space: 100 m² in all
    _raw(space, third, D(2026, 1, 10), D(2026, 1, 20), 60)  # the day after the first ends

    # A raw insert that would make a day's total larger than the space is refused by the trigger itself ...
    with pytest.raises(IntegrityError, match="campus_allocation_space_full"), transaction.atomic():
        _raw(space, first, D(2026, 1, 21), None, 61)
    # ... and so is a change that grows an allocation, or a company's second allocation of the space.
    with pytest.raises(IntegrityError, match="campus_allocation_space_full"), transaction.atomic():
        Allocation.objects.filter(company=third).update(area_m2=61)
    with pytest.raises(IntegrityError, match="campus_allocation_space_full"), transaction.atomic():
        _raw(space, second, D(2030, 1, 1), D(2030, 1, 1), 1)
    assert Allocation.objects.filter(space=space).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raw_concurrent_inserts_are_serialised_by_the_trigger():
    """Two writers that bypass the service's lock still cannot both commit rows that do not fit.

    The trigger locks the space's row before it counts, so the second writer waits, then sees the
    first one's row and is refused.
    """
    space = SpaceFactory(area_m2=Decimal("100"))
    companies = [CompanyFactory(campus=space.building.campus) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def insert(company):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                Allocation.objects.create(space=space, company=company, starts_on=D(2026, 1, 1), area_m2=60)
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
    assert len(errors) == 1 and "campus_allocation_space_full" in str(errors[0])
