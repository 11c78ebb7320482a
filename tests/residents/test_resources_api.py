"""Partners read the bookable resources of their campuses and when each is free, never a booking."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from tests.campus.factories import CampusFactory
from tests.partners.factories import client_with, token_for
from tests.residents.feeds_setup import booking_of, resource_of

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 2, 28, 12, 0, tzinfo=dt.UTC)  # Sunday 20:00 in Shanghai


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def room(campus, partner_a):
    partner_a.campuses.add(campus)
    return resource_of(
        campus,
        "Meeting room Orion",
        name_zh="猎户座会议室",
        location="Building A, level 3",
        hours=((9, 0), (18, 0)),
        weekdays=range(5),
        price_per_hour=Decimal("120.00"),
    )


def test_a_partner_lists_the_resources_of_its_campuses(api_a, room, campus):
    resource_of(campus, "Old centrifuge", is_active=False)
    resource_of(CampusFactory(slug="elsewhere"), "Another campus's room")

    response = api_a.get("/api/v1/resources/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == room.pk and row["name"] == "Meeting room Orion" and row["name_zh"] == "猎户座会议室"
    assert row["campus"] == campus.slug and row["time_zone"] == "Asia/Shanghai"
    assert row["price_per_hour"] == {"amount": "120.00", "currency": "CNY"}
    assert row["opening_hours"][0] == {"weekday": 0, "opens": "09:00", "closes": "18:00"}
    assert len(row["opening_hours"]) == 5
    assert {"slot_minutes", "min_minutes", "max_minutes", "horizon_days", "approval_required"} <= set(row)


def test_a_partner_without_the_campus_sees_none_of_its_resources(api_b, room):
    assert api_b.get("/api/v1/resources/").json()["results"] == []
    response = api_b.get(f"/api/v1/resources/{room.pk}/free-slots/")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"


def test_free_slots_are_opening_hours_minus_bookings_in_campus_time(api_a, room, resident_member):
    booking_of(resident_member, room, dt.datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), 90, title="Helix board")

    response = api_a.get(f"/api/v1/resources/{room.pk}/free-slots/?from=2027-03-01&to=2027-03-01")

    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "Asia/Shanghai" and body["date_from"] == body["date_to"] == "2027-03-01"
    assert body["free"] == [
        {"starts_at": "2027-03-01T09:00:00+08:00", "ends_at": "2027-03-01T10:00:00+08:00"},
        {"starts_at": "2027-03-01T11:30:00+08:00", "ends_at": "2027-03-01T18:00:00+08:00"},
    ]
    assert b"Helix" not in response.content and b"example.com" not in response.content


def test_without_dates_the_next_seven_days_are_given(api_a, room):
    body = api_a.get(f"/api/v1/resources/{room.pk}/free-slots/").json()

    assert (body["date_from"], body["date_to"]) == ("2027-02-28", "2027-03-06")
    assert len(body["free"]) == 5  # Monday to Friday


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2027-03-10&to=2027-03-01", "to"),
        ("from=2027-03-01&to=2027-04-01", "to"),
        ("from=yesterday", "from"),
        ("to=2027-13-01", "to"),
        ("from=2027-03-01&from=2027-03-02", "from"),
        ("from=", "from"),
    ],
)
def test_invalid_dates_are_400_naming_the_field(api_a, room, query, field):
    response = api_a.get(f"/api/v1/resources/{room.pk}/free-slots/?{query}")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "validation_error" and field in error["fields"]


def test_thirty_one_days_is_the_longest_period(api_a, room):
    response = api_a.get(f"/api/v1/resources/{room.pk}/free-slots/?from=2027-03-01&to=2027-03-31")

    assert response.status_code == 200


@pytest.mark.parametrize("query", ["from=9999-12-30", "from=0001-01-01&to=0001-01-31", "to=0001-01-01"])
def test_days_far_from_now_are_simply_not_free(api_a, room, query):
    response = api_a.get(f"/api/v1/resources/{room.pk}/free-slots/?{query}")

    assert response.status_code == 200 and response.json()["free"] == []


def test_unknown_or_unbookable_resources_are_404(api_a, room, campus):
    retired = resource_of(campus, "Old centrifuge", is_active=False)

    assert api_a.get("/api/v1/resources/999999/free-slots/").status_code == 404
    assert api_a.get(f"/api/v1/resources/{retired.pk}/free-slots/").status_code == 404


def test_a_token_without_the_spaces_scope_is_refused(partner_a, room):
    client = client_with(token_for(partner_a, scopes=["directory:read"]))

    assert client.get("/api/v1/resources/").status_code == 403
    assert client.get(f"/api/v1/resources/{room.pk}/free-slots/").status_code == 403


def test_residents_sessions_are_not_api_sessions(resident_member, room):
    assert resident_member.client.get("/api/v1/resources/").status_code in {401, 403}


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_reads_in_constant_queries(api_a, campus, partner_a, count, django_assert_max_num_queries):
    partner_a.campuses.add(campus)
    for number in range(count):
        resource_of(campus, f"Room {number}")

    with django_assert_max_num_queries(6):
        response = api_a.get("/api/v1/resources/")

    assert len(response.json()["results"]) == count


def test_free_slots_read_in_constant_queries(api_a, room, resident_member, django_assert_max_num_queries):
    for day in range(20):
        booking_of(resident_member, room, dt.datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI) + dt.timedelta(days=day))

    with django_assert_max_num_queries(6):
        response = api_a.get(f"/api/v1/resources/{room.pk}/free-slots/?from=2027-03-01&to=2027-03-31")

    assert response.status_code == 200 and len(response.json()["free"]) == 23  # the weekdays of March


def test_the_schema_documents_both_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()

    listing = schema["paths"]["/api/v1/resources/"]["get"]
    slots = schema["paths"]["/api/v1/resources/{id}/free-slots/"]["get"]
    assert {"200", "400", "401", "403"} <= set(listing["responses"])
    assert {"200", "400", "401", "403", "404"} <= set(slots["responses"])
    parameters = {p["name"]: p for p in slots["parameters"]}
    assert parameters["from"]["schema"]["format"] == "date" and parameters["to"]["schema"]["format"] == "date"
