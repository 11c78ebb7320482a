"""Campus staff manage buildings, spaces and allocations in the admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from campus.choices import SpaceKind
from campus.models import Allocation
from tests.campus.factories import AllocationFactory, BuildingFactory, CampusFactory, SpaceFactory
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

D = dt.date


def _allocation_form(space, company, **overrides):
    data = {
        "space": space.pk,
        "company": company.pk,
        "starts_on": "2026-03-01",
        "ends_on": "2026-09-30",
        "area_m2": "",
        "notes": "Expansion of the assay lab",
    }
    data.update(overrides)
    return data


def test_staff_allocates_a_space_and_is_recorded_as_its_author(staff_client, staff_user):
    space = SpaceFactory(area_m2=Decimal("150"))
    company = CompanyFactory(campus=space.building.campus)

    response = staff_client.post(reverse("admin:campus_allocation_add"), _allocation_form(space, company))

    assert response.status_code == 302
    allocation = Allocation.objects.get()
    assert allocation.created_by == staff_user
    assert allocation.area_m2 == Decimal("150")


def test_overlapping_allocation_in_the_admin_names_the_company_the_day_and_the_area(staff_client):
    existing = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30), company__name="Sanomics")
    newcomer = CompanyFactory(campus=existing.space.building.campus, name="Tricog")

    response = staff_client.post(
        reverse("admin:campus_allocation_add"), _allocation_form(existing.space, newcomer, starts_on="2026-06-01")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Sanomics" in errors["starts_on"][0]
    assert "June 1, 2026" in errors["starts_on"][0] and "200 m²" in errors["starts_on"][0]
    # What the user typed is still in the form.
    assert "Expansion of the assay lab" in response.content.decode()
    assert Allocation.objects.count() == 1


def test_allocation_larger_than_the_space_is_refused_in_the_admin(staff_client):
    space = SpaceFactory(area_m2=Decimal("90"))
    company = CompanyFactory(campus=space.building.campus)

    response = staff_client.post(reverse("admin:campus_allocation_add"), _allocation_form(space, company, area_m2="95"))

    assert response.status_code == 200
    assert "90" in response.context["adminform"].form.errors["area_m2"][0]
    assert not Allocation.objects.exists()


def test_space_list_filters_spaces_available_on_a_date(staff_client):
    taken = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), space__code="TAKEN").space
    free = SpaceFactory(code="FREE", building=taken.building)

    response = staff_client.get(reverse("admin:campus_space_changelist"), {"available_on": "2026-07-01"})

    shown = list(response.context["cl"].result_list)
    assert free in shown and taken not in shown
    response = staff_client.get(reverse("admin:campus_space_changelist"), {"available_on": "2027-01-01"})
    assert taken in list(response.context["cl"].result_list)


def test_space_list_reports_a_malformed_date(staff_client):
    response = staff_client.get(reverse("admin:campus_space_changelist"), {"available_on": "first of july"})

    assert response.status_code == 302
    assert "e=1" in response["Location"]


def test_space_list_filters_by_campus_kind_and_lab_features(staff_client):
    campus = CampusFactory()
    bsl2 = SpaceFactory(building__campus=campus, kind=SpaceKind.LABORATORY, biosafety_level="bsl2")
    SpaceFactory(building__campus=campus, kind=SpaceKind.LABORATORY, biosafety_level="bsl1")
    SpaceFactory(kind=SpaceKind.LABORATORY, biosafety_level="bsl2")  # another campus

    response = staff_client.get(
        reverse("admin:campus_space_changelist"),
        {"building__campus__id__exact": campus.pk, "kind": "laboratory", "biosafety_level": "bsl2"},
    )

    assert list(response.context["cl"].result_list) == [bsl2]


def test_space_list_search_finds_a_space_by_building_code(staff_client):
    space = SpaceFactory(building__code="ZX", code="301")
    SpaceFactory(building__code="QA", code="302")

    response = staff_client.get(reverse("admin:campus_space_changelist"), {"q": "ZX"})

    assert list(response.context["cl"].result_list) == [space]


@pytest.mark.parametrize("term", ["A-201", "a-201", "A201", " a-201 "])
def test_space_list_search_finds_a_space_by_its_label(staff_client, term):
    space = SpaceFactory(building__code="A", code="201")
    SpaceFactory(building__code="A", code="202")
    SpaceFactory(building__code="B", code="201", building__campus=space.building.campus)
    SpaceFactory(building__code="A2", code="01")  # "A201" once the separator is gone: also a match

    response = staff_client.get(reverse("admin:campus_space_changelist"), {"q": term})

    shown = [str(s) for s in response.context["cl"].result_list]
    assert "A-201" in shown and "A-202" not in shown and "B-201" not in shown


def test_space_list_search_for_a_dashed_label_finds_exactly_that_space(staff_client):
    space = SpaceFactory(building__code="A", code="201")
    SpaceFactory(building__code="A", code="202")
    SpaceFactory(building__code="B", code="201")

    response = staff_client.get(reverse("admin:campus_space_changelist"), {"q": "A-201"})

    assert list(response.context["cl"].result_list) == [space]
    assert "A-201" in response.content.decode()


def test_space_list_search_by_space_code_finds_it_in_every_building(staff_client):
    a201 = SpaceFactory(building__code="A", code="201")
    b201 = SpaceFactory(building__code="B", code="201")
    SpaceFactory(building__code="A", code="305")

    response = staff_client.get(reverse("admin:campus_space_changelist"), {"q": "201"})

    assert set(response.context["cl"].result_list) == {a201, b201}


def test_space_list_filters_spaces_by_free_area_on_a_date(staff_client):
    building = BuildingFactory()
    half_taken = SpaceFactory(building=building, code="HALF", area_m2=Decimal("200"))
    AllocationFactory(space=half_taken, starts_on=D(2026, 1, 1), ends_on=None, area_m2=Decimal("120"))
    ended = SpaceFactory(building=building, code="ENDED", area_m2=Decimal("100"))
    AllocationFactory(space=ended, starts_on=D(2025, 1, 1), ends_on=D(2026, 5, 31), area_m2=Decimal("100"))
    small = SpaceFactory(building=building, code="SMALL", area_m2=Decimal("50"))
    url = reverse("admin:campus_space_changelist")

    response = staff_client.get(url, {"free_on": "2026-06-01", "free_area": "80"})

    assert set(response.context["cl"].result_list) == {half_taken, ended}
    page = response.content.decode()
    assert 'value="2026-06-01"' in page and 'value="80"' in page
    response = staff_client.get(url, {"free_on": "2026-06-01", "free_area": "81"})
    assert set(response.context["cl"].result_list) == {ended}
    response = staff_client.get(url, {"free_on": "2026-05-31", "free_area": "40"})
    assert set(response.context["cl"].result_list) == {half_taken, small}


@pytest.mark.parametrize(
    "params", [{"free_on": "June", "free_area": "10"}, {"free_on": "2026-06-01", "free_area": "ten"}]
)
def test_space_list_reports_a_malformed_free_area_filter(staff_client, params):
    response = staff_client.get(reverse("admin:campus_space_changelist"), params)

    assert response.status_code == 302
    assert "e=1" in response["Location"]


@pytest.mark.parametrize("count", [5, 40])
def test_admin_lists_run_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries, count):
    building = BuildingFactory()
    for _ in range(count):
        AllocationFactory(space__building=building)

    for name in ["campus_space_changelist", "campus_allocation_changelist", "campus_building_changelist"]:
        with django_assert_max_num_queries(20):
            response = staff_client.get(reverse(f"admin:{name}"))
        assert response.status_code == 200
    with django_assert_max_num_queries(20):
        response = staff_client.get(
            reverse("admin:campus_space_changelist"), {"q": "B-1", "free_on": "2026-06-01", "free_area": "1"}
        )
    assert response.status_code == 200


def test_space_page_shows_its_allocations(staff_client):
    allocation = AllocationFactory(company__name="Omron")

    response = staff_client.get(reverse("admin:campus_space_change", args=[allocation.space.pk]))

    assert response.status_code == 200
    assert "Omron" in response.content.decode()


def test_visitors_cannot_reach_the_campus_admin(client):
    response = client.get(reverse("admin:campus_space_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
