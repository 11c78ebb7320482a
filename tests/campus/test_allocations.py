"""The allocation rules, through the service every caller uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campus.choices import SpaceKind
from campus.exceptions import AllocationConflict
from campus.models import Allocation
from campus.services import allocation_create, allocation_save
from tests.campus.factories import AllocationFactory, SpaceFactory
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_second_company_shares_a_space_while_the_areas_fit():
    first = AllocationFactory(space__area_m2=Decimal("100"), area_m2=Decimal("60"), company__name="Acme")
    newcomer = CompanyFactory(campus=first.space.building.campus)

    second = allocation_create(
        space=first.space, company=newcomer, starts_on=D(2026, 3, 1), ends_on=D(2026, 9, 30), area_m2=Decimal("40")
    )

    assert second.pk and Allocation.objects.filter(space=first.space).count() == 2


def test_a_share_too_large_names_the_day_the_company_there_and_the_area_left():
    first = AllocationFactory(
        space__code="201",
        space__building__code="A",
        space__area_m2=Decimal("100"),
        area_m2=Decimal("60"),
        starts_on=D(2027, 3, 3),
        ends_on=None,
        company__name="Acme",
    )

    with pytest.raises(AllocationConflict) as caught:
        allocation_create(space=first.space, company=CompanyFactory(), starts_on=D(2027, 1, 1), area_m2=Decimal("50"))

    assert caught.value.message_dict == {"area_m2": ["Only 40 m² of A-201 are free on March 3, 2027 (Acme has 60 m²)."]}
    assert Allocation.objects.count() == 1


def test_the_busiest_day_counts_every_company_there_that_day():
    space = SpaceFactory(area_m2=Decimal("100"))
    AllocationFactory(
        space=space, area_m2=Decimal("30"), starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30), company__name="Acme"
    )
    AllocationFactory(space=space, area_m2=Decimal("50"), starts_on=D(2026, 5, 1), ends_on=None, company__name="Bio")

    # 30 m² would fit before May and after June, but not while both are there.
    with pytest.raises(AllocationConflict) as caught:
        allocation_create(
            space=space,
            company=CompanyFactory(),
            starts_on=D(2026, 2, 1),
            ends_on=D(2026, 8, 31),
            area_m2=Decimal("30"),
        )

    message = caught.value.message_dict["area_m2"][0]
    assert "Only 20 m²" in message and "May 1, 2026" in message
    assert "Acme has 30 m²" in message and "Bio has 50 m²" in message
    assert allocation_create(
        space=space, company=CompanyFactory(), starts_on=D(2026, 7, 1), ends_on=D(2026, 8, 31), area_m2=Decimal("30")
    ).pk


def test_a_space_allocated_whole_refuses_anyone_else_on_its_dates():
    first = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30), company__name="Abcodia")
    newcomer = CompanyFactory(campus=first.space.building.campus)

    with pytest.raises(AllocationConflict) as caught:
        allocation_create(space=first.space, company=newcomer, starts_on=D(2026, 6, 1), ends_on=D(2026, 9, 30))

    message = caught.value.message_dict["starts_on"][0]
    assert "No area of" in message and "June 1, 2026" in message and "Abcodia has 200 m²" in message
    assert Allocation.objects.count() == 1


def test_an_allocation_without_area_needs_the_whole_space_free():
    first = AllocationFactory(space__area_m2=Decimal("100"), area_m2=Decimal("10"))

    with pytest.raises(AllocationConflict) as caught:
        allocation_create(space=first.space, company=CompanyFactory(), starts_on=D(2026, 5, 1), ends_on=D(2026, 5, 2))

    assert "Only 90 m²" in caught.value.message_dict["area_m2"][0]


def test_one_company_cannot_hold_two_overlapping_allocations_of_one_space():
    first = AllocationFactory(space__area_m2=Decimal("100"), area_m2=Decimal("20"), company__name="Acme")

    with pytest.raises(AllocationConflict) as caught:
        allocation_create(
            space=first.space,
            company=first.company,
            starts_on=D(2026, 6, 1),
            ends_on=D(2026, 6, 30),
            area_m2=Decimal("20"),
        )

    assert "Acme already has space" in caught.value.message_dict["starts_on"][0]
    # Back to back is a renewal, not a double allocation.
    assert allocation_create(
        space=first.space, company=first.company, starts_on=D(2027, 1, 1), area_m2=Decimal("20")
    ).pk


def test_allocation_that_starts_the_day_after_another_ends_is_allowed():
    first = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))

    second = allocation_create(space=first.space, company=CompanyFactory(), starts_on=D(2026, 7, 1))

    assert second.pk and Allocation.objects.count() == 2


def test_allocation_on_the_last_day_of_another_is_refused():
    first = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))

    with pytest.raises(AllocationConflict):
        allocation_create(space=first.space, company=CompanyFactory(), starts_on=D(2026, 6, 30), ends_on=D(2026, 7, 5))


def test_open_ended_allocation_blocks_every_later_start():
    first = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=None)

    with pytest.raises(AllocationConflict) as caught:
        allocation_create(space=first.space, company=CompanyFactory(), starts_on=D(2030, 1, 1), ends_on=D(2030, 2, 1))
    assert "Jan. 1, 2030" in caught.value.message_dict["starts_on"][0]


def test_open_ended_request_is_refused_when_a_later_allocation_exists():
    later = AllocationFactory(starts_on=D(2027, 1, 1), ends_on=D(2027, 3, 31))

    with pytest.raises(AllocationConflict):
        allocation_create(space=later.space, company=CompanyFactory(), starts_on=D(2026, 1, 1), ends_on=None)


def test_a_space_that_is_not_lettable_is_never_allocated():
    space = SpaceFactory(lettable=False)

    with pytest.raises(ValidationError) as caught:
        allocation_create(space=space, company=CompanyFactory(), starts_on=D(2026, 1, 1))

    assert "not let" in caught.value.message_dict["space"][0]


def test_other_spaces_are_not_affected():
    first = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=None)
    other_space = SpaceFactory(building=first.space.building)

    allocation_create(space=other_space, company=CompanyFactory(), starts_on=D(2026, 1, 1))

    assert Allocation.objects.count() == 2


def test_allocation_refuses_more_area_than_the_space_has():
    space = SpaceFactory(area_m2=Decimal("120.00"))

    with pytest.raises(ValidationError) as caught:
        allocation_create(space=space, company=CompanyFactory(), starts_on=D(2026, 1, 1), area_m2=Decimal("120.50"))

    assert "120.5" in caught.value.message_dict["area_m2"][0]
    assert "120" in caught.value.message_dict["area_m2"][0]
    assert not Allocation.objects.exists()


def test_allocation_without_area_takes_the_whole_space():
    space = SpaceFactory(area_m2=Decimal("80.00"))

    allocation = allocation_create(space=space, company=CompanyFactory(), starts_on=D(2026, 1, 1))

    assert Allocation.objects.get(pk=allocation.pk).area_m2 == Decimal("80.00")


def test_allocation_refuses_a_last_day_before_the_first():
    with pytest.raises(ValidationError) as caught:
        allocation_create(
            space=SpaceFactory(), company=CompanyFactory(), starts_on=D(2026, 5, 1), ends_on=D(2026, 4, 30)
        )
    assert "ends_on" in caught.value.message_dict


def test_allocation_records_who_created_and_changed_it(staff_user, django_user_model):
    allocation = allocation_create(
        space=SpaceFactory(), company=CompanyFactory(), starts_on=D(2026, 1, 1), actor=staff_user
    )
    other = django_user_model.objects.create_user(username="other")

    allocation.ends_on = D(2026, 12, 31)
    allocation_save(allocation=allocation, actor=other)

    allocation.refresh_from_db()
    assert allocation.created_by == staff_user
    assert allocation.updated_by == other


def test_changing_an_allocation_does_not_conflict_with_itself():
    allocation = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))

    allocation.ends_on = D(2026, 8, 31)
    allocation_save(allocation=allocation)

    allocation.refresh_from_db()
    assert allocation.ends_on == D(2026, 8, 31)


def test_moving_an_allocation_onto_another_is_refused():
    first = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))
    second = AllocationFactory(space=first.space, starts_on=D(2026, 7, 1), ends_on=D(2026, 12, 31))

    second.starts_on = D(2026, 6, 15)
    with pytest.raises(AllocationConflict):
        allocation_save(allocation=second)

    second.refresh_from_db()
    assert second.starts_on == D(2026, 7, 1)


def test_shared_space_cannot_shrink_below_its_busiest_day(time_machine):
    time_machine.move_to(D(2026, 2, 1))
    space = SpaceFactory(area_m2=Decimal("100"))
    AllocationFactory(space=space, area_m2=Decimal("40"), starts_on=D(2026, 1, 1), ends_on=None, company__name="Acme")
    AllocationFactory(space=space, area_m2=Decimal("30"), starts_on=D(2026, 3, 1), ends_on=None, company__name="Bio")

    space.area_m2 = Decimal("60")
    with pytest.raises(ValidationError) as caught:
        space.full_clean()
    message = caught.value.message_dict["area_m2"][0]
    assert "70 m²" in message and "March 1, 2026" in message and "Acme, Bio" in message

    space.area_m2 = Decimal("70")
    space.full_clean()


def test_space_cannot_shrink_below_a_current_allocation():
    allocation = AllocationFactory(space__area_m2=Decimal("200.00"), starts_on=D(2026, 1, 1), ends_on=None)
    space = allocation.space
    space.area_m2 = Decimal("150.00")

    with pytest.raises(ValidationError) as caught:
        space.full_clean()
    assert allocation.company.name in caught.value.message_dict["area_m2"][0]


def test_only_lab_spaces_carry_laboratory_installations():
    space = SpaceFactory(kind=SpaceKind.OFFICE)
    space.biosafety_level = "bsl2"
    space.fume_hoods = 2

    with pytest.raises(ValidationError) as caught:
        space.full_clean()
    assert {"biosafety_level", "fume_hoods"} <= set(caught.value.message_dict)


def test_a_space_let_stays_lettable_and_its_allocation_can_still_end(db):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from campus.services import allocation_create, allocation_save
    from tests.campus.factories import SpaceFactory
    from tests.tenants.factories import CompanyFactory

    space = SpaceFactory()
    company = CompanyFactory(campus=space.building.campus)
    allocation = allocation_create(space=space, company=company, starts_on=dt.date.today(), ends_on=None)

    space.lettable = False
    with pytest.raises(ValidationError) as refused:
        space.full_clean()
    assert "stays lettable while allocated" in str(refused.value.message_dict["lettable"])

    type(space).objects.filter(pk=space.pk).update(lettable=False)  # e.g. set before this rule
    allocation.ends_on = dt.date.today() + dt.timedelta(days=30)
    allocation_save(allocation=allocation)
    allocation.refresh_from_db()
    assert allocation.ends_on == dt.date.today() + dt.timedelta(days=30)
