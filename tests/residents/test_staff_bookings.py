"""The staff's bookings page: what waits for approval, today's bookings with who came and who did
not, and the confirm, decline and check-in buttons, each a POST through the bookings service."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from residents.choices import BookingStatus
from residents.models import Booking
from tests.personas import staff_in_role
from tests.residents.staff_bookings_setup import a_resource, booked

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def midday(campus):
    """Early afternoon on the campus, so "today" holds the bookings of the last hours."""
    with time_machine.travel(dt.datetime(2026, 3, 4, 14, 0, tzinfo=campus.tz)):
        yield


def signed_in(role: str, **options) -> Client:
    client = Client(**options)
    client.force_login(staff_in_role(role, f"{role}-person"))
    return client


@pytest.fixture
def desk():
    return signed_in("front_desk")


@pytest.fixture
def tomorrow(campus):
    return timezone.localtime(timezone.now(), campus.tz).date() + dt.timedelta(days=1)


def now_booking(campus, person, *, minutes_ago: int, length: int = 60, **fields) -> Booking:
    """A booking of an all-day resource that began ``minutes_ago``, in campus time."""
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=minutes_ago)
    resource = fields.pop("resource", None) or a_resource(
        campus, f"Room {minutes_ago}", hours=(dt.time(0), dt.time(23, 59))
    )
    return Booking.objects.create(
        resource=resource,
        company=person.company,
        booked_by=person.user,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=length),
        **fields,
    )


def test_the_page_lists_waiting_and_todays_bookings_with_their_state(desk, campus, resident_member, tomorrow):
    booked(a_resource(campus, "Board room"), resident_member, tomorrow, 10, status=BookingStatus.REQUESTED)
    came = now_booking(campus, resident_member, minutes_ago=30, checked_in_at=timezone.now())
    missed = now_booking(campus, resident_member, minutes_ago=120)

    page = desk.get(f"/staff/bookings/?campus={campus.pk}").content.decode()

    assert "Board room" in page and "10:00–11:00" in page
    assert came.resource.name in page and "Checked in" in page
    assert missed.resource.name in page and "No-show" in page


def test_the_front_desk_confirms_and_declines_with_a_reason(desk, campus, resident_member, tomorrow):
    room = a_resource(campus, approval_required=True)
    first = booked(room, resident_member, tomorrow, 9, status=BookingStatus.REQUESTED)
    second = booked(room, resident_member, tomorrow, 11, status=BookingStatus.REQUESTED)

    desk.post(f"/staff/bookings/{first.pk}/decide/", {"decision": "confirm", "back": f"campus={campus.pk}"})
    refused = desk.post(f"/staff/bookings/{second.pk}/decide/", {"decision": "decline"}, follow=True)
    second.refresh_from_db()
    assert second.status == BookingStatus.REQUESTED
    assert "Say why the booking is declined." in refused.content.decode()
    response = desk.post(f"/staff/bookings/{second.pk}/decide/", {"decision": "decline", "reason": "Cleaning"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.CONFIRMED and first.decided_by.username == "front_desk-person"
    assert (second.status, second.reason) == (BookingStatus.DECLINED, "Cleaning")
    assert response.status_code == 302 and response["Location"] == "/staff/bookings/"


def test_the_front_desk_checks_a_person_in_and_out(desk, campus, resident_member):
    booking = now_booking(campus, resident_member, minutes_ago=5)

    desk.post(f"/staff/bookings/{booking.pk}/check/")
    desk.post(f"/staff/bookings/{booking.pk}/check/", {"out": "1"})

    booking.refresh_from_db()
    assert booking.checked_in_at and booking.checked_out_at


def test_the_buttons_need_the_csrf_token(campus, resident_member, tomorrow):
    browser = signed_in("front_desk", enforce_csrf_checks=True)
    booking = booked(a_resource(campus), resident_member, tomorrow, 9, status=BookingStatus.REQUESTED)

    assert browser.post(f"/staff/bookings/{booking.pk}/decide/", {"decision": "confirm"}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


@pytest.mark.parametrize("count", [1, 30])
def test_the_page_asks_a_fixed_number_of_queries(
    count, desk, campus, resident_member, tomorrow, django_assert_max_num_queries
):
    room = a_resource(campus)
    for n in range(count):
        booked(room, resident_member, tomorrow + dt.timedelta(days=n // 10), 8 + n % 10, status=BookingStatus.REQUESTED)
        now_booking(campus, resident_member, minutes_ago=n, length=1, resource=room)

    with django_assert_max_num_queries(14):
        assert desk.get(f"/staff/bookings/?campus={campus.pk}").status_code == 200


def test_readers_see_no_buttons_and_cannot_post(campus, resident_member, tomorrow):
    auditor = signed_in("auditor")
    booking = booked(a_resource(campus), resident_member, tomorrow, 9, status=BookingStatus.REQUESTED)

    page = auditor.get(f"/staff/bookings/?campus={campus.pk}").content.decode()

    assert "Waiting for approval" in page and 'value="confirm"' not in page
    assert auditor.post(f"/staff/bookings/{booking.pk}/decide/", {"decision": "confirm"}).status_code == 403


@pytest.mark.parametrize("url", ["/staff/bookings/", "/staff/bookings/1/decide/", "/staff/bookings/1/check/"])
def test_strangers_residents_and_staff_without_the_role_are_refused(url, resident_admin, campus):
    for client in (Client(), resident_admin.client):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    space = signed_in("space_manager")
    assert space.post(url).status_code in {403, 405} and space.get(url).status_code in {403, 405}


def test_the_chinese_page_and_the_empty_states(desk, campus):
    page = desk.get("/zh-hans/staff/bookings/")
    assert page.status_code == 200
    english = desk.get("/staff/bookings/").content.decode()
    assert "No booking is waiting for approval." in english and "No bookings today." in english


def test_the_staff_navigation_leads_to_bookings_for_roles_that_see_them(desk):
    desk_page = desk.get("/staff/frontdesk/").content.decode()  # a page whose content never links there
    assert 'href="/staff/bookings/"' in desk_page

    assert 'href="/staff/bookings/"' not in signed_in("partnerships_manager").get("/staff/").content.decode()
