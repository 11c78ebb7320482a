"""How much rooms and instruments are used: open, booked and used hours and no-shows per resource,
by week or month in campus time, for staff who see bookings, in a fixed number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from residents.choices import BookingStatus
from tests.personas import staff_in_role
from tests.residents.staff_bookings_setup import a_resource, at, booked

pytestmark = pytest.mark.django_db

D = dt.date
MONDAY = D(2026, 3, 2)


def signed_in(role: str) -> Client:
    client = Client()
    client.force_login(staff_in_role(role, f"{role}-person"))
    return client


@pytest.fixture
def facility():
    return signed_in("facility_manager")


def rows_of(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_week_of_a_room_open_booked_used_and_missed(facility, campus, resident_member):
    # Open 9:00–17:00 on weekdays: 40 hours in the week.
    room = a_resource(campus, "Seminar room", hours=(dt.time(9), dt.time(17)), days=range(5))
    used = booked(room, resident_member, MONDAY, 9, hours=2)
    used.checked_in_at, used.checked_out_at = at(campus, MONDAY, 9, 5), at(campus, MONDAY, 10, 35)
    used.save()
    booked(room, resident_member, MONDAY + dt.timedelta(days=1), 10, hours=2)  # nobody came
    booked(room, resident_member, MONDAY + dt.timedelta(days=2), 10, status=BookingStatus.REQUESTED)
    booked(room, resident_member, MONDAY + dt.timedelta(days=3), 10, status=BookingStatus.CANCELLED)
    booked(room, resident_member, MONDAY + dt.timedelta(days=7), 10)  # the next week

    page = facility.get(f"/staff/bookings/use/?campus={campus.pk}&period=week&date=2026-03-04")
    exported = facility.get(f"/staff/bookings/use/?campus={campus.pk}&period=week&date=2026-03-04&export=csv")

    assert page.status_code == 200
    [row] = rows_of(exported)
    assert (row["Resource"], row["From"], row["To"]) == ("Seminar room", "2026-03-02", "2026-03-08")
    assert (row["Open hours"], row["Booked hours"], row["Used hours"]) == ("40.00", "5.00", "1.50")
    assert (row["Booked share (%)"], row["Used share (%)"], row["No-shows"]) == ("12.5", "3.8", "1")
    assert exported["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert "Seminar room" in html and "12.5%" in html


def test_a_month_counts_its_days_and_a_closed_resource_reads_as_a_dash(facility, campus):
    a_resource(campus, "Sequencer", hours=(dt.time(8), dt.time(20)), days=[5])  # Saturdays: 4 in March 2026
    a_resource(campus, "Old autoclave", days=[])

    rows = rows_of(facility.get(f"/staff/bookings/use/?campus={campus.pk}&period=month&date=2026-03-20&export=csv"))

    assert {row["Resource"]: row["Open hours"] for row in rows} == {"Sequencer": "48.00", "Old autoclave": "0.00"}
    assert {row["Resource"]: row["Booked share (%)"] for row in rows} == {"Sequencer": "0.0", "Old autoclave": ""}


def test_a_resource_named_like_a_formula_is_written_as_text(facility, campus):
    a_resource(campus, "=HYPERLINK(1)")

    exported = facility.get(f"/staff/bookings/use/?campus={campus.pk}&export=csv").content.decode("utf-8-sig")

    assert "'=HYPERLINK(1)" in exported


@pytest.mark.parametrize("count", [1, 50])
def test_the_page_asks_a_fixed_number_of_queries(
    count, facility, campus, resident_member, django_assert_max_num_queries
):
    resources = [a_resource(campus, f"Room {n}") for n in range(3)]
    for n in range(count):
        booked(resources[n % 3], resident_member, MONDAY + dt.timedelta(days=n // 12), 8 + n % 12)

    with django_assert_max_num_queries(12):
        response = facility.get(f"/staff/bookings/use/?campus={campus.pk}&period=month&date=2026-03-10")

    assert response.status_code == 200


def test_the_empty_campus_and_the_chinese_page(facility, campus):
    assert "no bookable rooms" in facility.get("/staff/bookings/use/").content.decode()
    assert facility.get("/zh-hans/staff/bookings/use/").status_code == 200


def test_the_dashboard_links_to_it_for_staff_who_see_bookings(facility, campus):
    assert "/staff/bookings/use/" in facility.get("/staff/dashboard/").content.decode()
    assert "/staff/bookings/use/" not in signed_in("space_manager").get("/staff/dashboard/").content.decode()


@pytest.mark.parametrize("role", ["space_manager", "partnerships_manager", "screening_officer"])
def test_staff_without_the_role_are_refused(role, campus):
    assert signed_in(role).get("/staff/bookings/use/").status_code == 403


@pytest.mark.parametrize("role", ["campus_manager", "facility_manager", "front_desk", "finance", "auditor"])
def test_staff_who_see_bookings_read_it(role, campus):
    assert signed_in(role).get(f"/staff/bookings/use/?campus={campus.pk}").status_code == 200


def test_residents_and_strangers_are_sent_to_the_staff_sign_in(resident_admin, campus):
    for client in (Client(), resident_admin.client):
        response = client.get("/staff/bookings/use/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
