"""A space's availability is derived from its allocations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campus.choices import SpaceKind
from campus.models import Space
from campus.selectors import spaces_available
from tests.campus.factories import AllocationFactory, CampusFactory, SpaceFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def allocated_space():
    return AllocationFactory(starts_on=D(2026, 3, 1), ends_on=D(2026, 5, 31)).space


@pytest.mark.parametrize(
    ("day", "available"),
    [
        (D(2026, 2, 28), True),
        (D(2026, 3, 1), False),
        (D(2026, 4, 15), False),
        (D(2026, 5, 31), False),
        (D(2026, 6, 1), True),
    ],
)
def test_space_is_available_only_outside_its_allocations(allocated_space, day, available):
    assert Space.objects.available_on(day).filter(pk=allocated_space.pk).exists() is available


def test_open_ended_allocation_makes_the_space_unavailable_forever():
    space = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=None).space

    assert not Space.objects.available_on(D(2099, 1, 1)).filter(pk=space.pk).exists()
    assert Space.objects.available_on(D(2025, 12, 31)).filter(pk=space.pk).exists()


def test_space_free_for_a_period_needs_every_day_free(allocated_space):
    assert not Space.objects.available_between(D(2026, 1, 1), D(2026, 3, 1)).filter(pk=allocated_space.pk).exists()
    assert Space.objects.available_between(D(2026, 6, 1), D(2026, 12, 31)).filter(pk=allocated_space.pk).exists()


def test_selector_filters_by_campus_kind_and_minimum_area(allocated_space):
    campus = CampusFactory()
    big_lab = SpaceFactory(building__campus=campus, kind=SpaceKind.LABORATORY, area_m2=Decimal("500"))
    SpaceFactory(building__campus=campus, kind=SpaceKind.LABORATORY, area_m2=Decimal("50"))
    SpaceFactory(building__campus=campus, kind=SpaceKind.OFFICE, area_m2=Decimal("900"))

    found = spaces_available(on=D(2026, 4, 1), campus=campus, kind=SpaceKind.LABORATORY, min_area=Decimal("100"))

    assert list(found) == [big_lab]


def test_a_shared_space_stays_available_while_area_is_left():
    space = SpaceFactory(area_m2=Decimal("100"))
    AllocationFactory(space=space, area_m2=Decimal("60"), starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))

    assert Space.objects.available_on(D(2026, 6, 1)).filter(pk=space.pk).exists()
    assert list(spaces_available(on=D(2026, 6, 1), min_area=Decimal("40"))) == [space]
    assert list(spaces_available(on=D(2026, 6, 1), min_area=Decimal("41"))) == []
    AllocationFactory(space=space, area_m2=Decimal("40"), starts_on=D(2026, 6, 1), ends_on=D(2026, 6, 30))
    assert not Space.objects.available_on(D(2026, 6, 1)).filter(pk=space.pk).exists()


def test_a_space_that_is_not_lettable_is_never_available():
    SpaceFactory(lettable=False)

    assert not Space.objects.available_on(D(2026, 6, 1)).exists()


def test_selector_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(15):
        AllocationFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 1, 31))
        SpaceFactory()

    with django_assert_max_num_queries(3):
        spaces = list(spaces_available(on=D(2026, 1, 15)))
        for space in spaces:
            str(space.building.campus), list(space.platform_stages.all()), list(space.gases.all())
    assert len(spaces) == 15
