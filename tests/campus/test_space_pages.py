"""Space over time: the staff pages of a building's timeline, vacancies ahead and floors."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from campus.services import allocation_create
from tests.campus.factories import AllocationFactory, BuildingFactory, SpaceFactory
from tests.personas import staff_in_role
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 6, 15)
VIEWS = ["timeline", "vacancies", "floors"]


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
def building():
    """Building A: a lab shared by Acme and Bio, an office Cyto leaves in August, a free lab, a plant room."""
    building = BuildingFactory(code="A", name="Alpha")
    shared = SpaceFactory(building=building, code="201", floor=2, area_m2=Decimal("100"))
    office = SpaceFactory(building=building, code="202", floor=2, area_m2=Decimal("50"))
    SpaceFactory(building=building, code="101", floor=1, area_m2=Decimal("300"))
    SpaceFactory(building=building, code="P1", floor=1, area_m2=Decimal("20"), lettable=False)
    campus = building.campus
    acme, bio, cyto = (CompanyFactory(campus=campus, name=name) for name in ["Acme", "Bio", "Cyto"])
    allocation_create(space=shared, company=acme, starts_on=D(2026, 1, 1), ends_on=None, area_m2=Decimal("60"))
    allocation_create(
        space=shared, company=bio, starts_on=D(2026, 3, 1), ends_on=D(2026, 11, 30), area_m2=Decimal("40")
    )
    allocation_create(space=office, company=cyto, starts_on=D(2025, 9, 1), ends_on=D(2026, 8, 31))
    return building


@pytest.fixture
def space_manager_client(space_manager):
    client = Client()
    client.force_login(space_manager)
    return client


def _url(building, view: str, prefix: str = "") -> str:
    return f"{prefix}/staff/space/buildings/{building.pk}/{view}/"


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_visitors_are_sent_to_sign_in(client, building, view):
    response = client.get(_url(building, view))

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("view", VIEWS)
def test_residents_and_applicants_are_sent_to_sign_in_as_staff(resident_admin, applicant, building, view):
    for browser in (resident_admin.client, applicant.client):
        response = browser.get(_url(building, view))
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("view", VIEWS)
def test_staff_without_a_role_that_sees_allocations_are_refused(client, building, view):
    client.force_login(staff_in_role("front_desk"))

    assert client.get(_url(building, view)).status_code == 403
    assert client.get("/staff/space/").status_code == 403
    assert "/staff/space/" not in client.get("/staff/").content.decode()


def test_a_building_that_does_not_exist_is_not_found(space_manager_client):
    assert space_manager_client.get("/staff/space/buildings/999999/timeline/").status_code == 404


def test_the_list_links_each_building_and_the_nav_links_the_list(space_manager_client, building):
    page = space_manager_client.get("/staff/space/").content.decode()

    assert f'href="/staff/space/buildings/{building.pk}/timeline/"' in page
    assert f'href="/staff/space/buildings/{building.pk}/floors/"' in page
    assert 'href="/staff/space/" aria-current="page"' in page
    assert 'href="/staff/space/"' in space_manager_client.get("/staff/").content.decode()


def test_the_list_without_buildings_says_so(space_manager_client):
    assert "No buildings yet." in space_manager_client.get("/staff/space/").content.decode()


def test_the_building_admin_links_its_views(staff_client, building):
    listing = staff_client.get("/admin/campus/building/").content.decode()
    change = staff_client.get(f"/admin/campus/building/{building.pk}/change/").content.decode()

    for page in (listing, change):
        assert f'href="/staff/space/buildings/{building.pk}/timeline/"' in page
        assert f'href="/staff/space/buildings/{building.pk}/vacancies/"' in page


def test_the_timeline_draws_a_bar_for_each_allocation_with_both_companies_of_a_shared_space(
    space_manager_client, building
):
    page = space_manager_client.get(_url(building, "timeline")).content.decode()

    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('class="allocation"') == 3
    assert "Acme, from Jan. 1, 2026, open end, 60 m²" in svg
    assert "Bio, Jan. 1, 2026" not in svg and "Bio, March 1, 2026 – Nov. 30, 2026, 40 m²" in svg
    assert 'class="today"' in svg and ">Today<" in svg
    assert svg.count(">Jan<") == 2 and ">2026<" in svg and ">2027<" in svg  # month ticks, the year at each January
    # Cyto's office ends within 90 days, drawn apart from the rest.
    assert svg.count('class="bar ending"') == 1
    # The two companies of the shared lab sit on two lines of its row.
    shared_row = svg[svg.index(">201<") : svg.index(">202<")]
    assert len(set(re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', shared_row))) == 2
    # The same in words for screen readers.
    table = page[page.index('id="allocations-heading"') :]
    assert "A-201" in table and "Acme" in table and "Bio" in table and "Cyto" in table


def test_the_timeline_scrolls_sideways_on_a_phone(space_manager_client, building):
    page = space_manager_client.get(_url(building, "timeline")).content.decode()

    assert '<div class="timeline-scroll" role="region"' in page
    assert re.search(r'<svg role="img" aria-labelledby="timeline-title timeline-desc" width="\d+"', page)


def test_the_timeline_of_a_building_without_spaces_says_so(space_manager_client):
    page = space_manager_client.get(_url(BuildingFactory(), "timeline")).content.decode()

    assert "This building has no spaces yet." in page and "<svg" not in page


def test_vacancies_ahead_count_out_what_ends_before_each_horizon(space_manager_client, building):
    page = space_manager_client.get(_url(building, "vacancies")).content.decode()

    in_30, in_90, in_180 = (page[page.index(f'id="horizon-{days}"') :] for days in (30, 90, 180))
    in_30, in_90 = in_30[: in_30.index("</table>")], in_90[: in_90.index("</table>")]
    in_180 = in_180[: in_180.index("</table>")]
    # The free lab all along; never the plant room, which is not let.
    for table in (in_30, in_90, in_180):
        assert ">101<" in table and "300 of 300" in table and ">P1<" not in table
    # Cyto's office is free from Sept. 1 on: not in 30 days, in 90.
    assert ">202<" not in in_30 and ">202<" in in_90 and "Sept. 1, 2026" in in_90
    # Bio leaves the shared lab at the end of November: 40 m² of it free from Dec. 1.
    assert ">201<" not in in_90 and ">201<" in in_180 and "40 of 100" in in_180 and "Dec. 1, 2026" in in_180
    assert "now" in in_30


def test_floors_show_each_space_as_a_tile_sized_by_area_with_its_status_in_words(space_manager_client, building):
    page = space_manager_client.get(_url(building, "floors")).content.decode()

    first, second = page.index('id="floor-1"'), page.index('id="floor-2"')
    assert first < second
    assert 'class="tile free" style="flex-grow: 93.75"' in page  # 300 of the first floor's 320 m²
    assert 'class="tile unlettable"' in page and "Not lettable" in page
    assert 'class="tile ending"' in page and "Cyto" in page  # ends Aug. 31, within 90 days
    shared = page[page.index(">201<") - 400 : page.index(">201<") + 600]
    assert 'class="tile allocated"' in shared
    assert "Acme" in shared and "Bio" in shared
    # Each tile opens its space in the administration; the legend names every status.
    space = building.spaces.get(code="201")
    assert f'href="/admin/campus/space/{space.pk}/change/"' in page
    legend = page[page.index('class="floor-legend"') : page.index("</ul>", page.index('class="floor-legend"'))]
    for name in ["Free", "Allocated", "Ending soon", "Not lettable"]:
        assert name in legend


def test_a_space_held_well_beyond_90_days_is_allocated_not_ending(space_manager_client):
    allocation = AllocationFactory(starts_on=D(2026, 1, 1), ends_on=None, space__code="X1")

    page = space_manager_client.get(_url(allocation.space.building, "floors")).content.decode()

    assert 'class="tile allocated"' in page and "Allocated" in page


@pytest.mark.parametrize("view", VIEWS)
def test_pages_read_a_constant_number_of_rows(space_manager_client, building, view, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as few:
        space_manager_client.get(_url(building, view))
    for n in range(6):
        space = SpaceFactory(building=building, code=f"9{n}", floor=n % 3, area_m2=Decimal("80"))
        for k in range(2):
            AllocationFactory(space=space, starts_on=D(2026, 1 + 6 * k, 1), ends_on=D(2026, 6 + 6 * k, 28))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert space_manager_client.get(_url(building, view)).status_code == 200


@pytest.mark.parametrize("view", VIEWS)
def test_pages_render_in_simplified_chinese(space_manager_client, building, view):
    response = space_manager_client.get(_url(building, view, prefix="/zh-hans"))

    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.content.decode()
    assert "/zh-hans/staff/space/" in response.content.decode()
