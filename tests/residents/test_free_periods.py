"""When a resource is free: its opening hours minus its live bookings, from now, up to its horizon."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from residents.models import OpeningHours
from residents.selectors import free_periods
from tests.residents.feeds_setup import booking_of, resource_of

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2027, 3, 1)
BEFORE_OPENING = dt.datetime(2027, 2, 28, 12, 0, tzinfo=dt.UTC)  # Sunday 20:00 in Shanghai


def hours(periods) -> list[tuple[str, str]]:
    return [(start.strftime("%a %H:%M%z"), end.strftime("%a %H:%M%z")) for start, end in periods]


@pytest.fixture
def room(campus):
    return resource_of(campus, hours=((9, 0), (18, 0)), weekdays=range(5), slot_minutes=30, min_minutes=30)


def test_an_unbooked_day_is_free_from_opening_to_closing_in_campus_time(room):
    periods = free_periods(room, MONDAY, MONDAY, now=BEFORE_OPENING)

    assert hours(periods) == [("Mon 09:00+0800", "Mon 18:00+0800")]
    assert periods[0][0].tzinfo.key == "Asia/Shanghai"


def test_live_bookings_are_taken_out_and_cancelled_ones_are_not(room, resident_member):
    booking_of(resident_member, room, dt.datetime(2027, 3, 1, 10, 0, tzinfo=SHANGHAI), 90)
    booking_of(resident_member, room, dt.datetime(2027, 3, 1, 13, 0, tzinfo=SHANGHAI), 60, status="requested")
    booking_of(resident_member, room, dt.datetime(2027, 3, 1, 16, 0, tzinfo=SHANGHAI), 60, status="cancelled")

    periods = free_periods(room, MONDAY, MONDAY, now=BEFORE_OPENING)

    assert hours(periods) == [
        ("Mon 09:00+0800", "Mon 10:00+0800"),
        ("Mon 11:30+0800", "Mon 13:00+0800"),
        ("Mon 14:00+0800", "Mon 18:00+0800"),
    ]


def test_closed_days_have_nothing_and_a_week_lists_each_open_day(room):
    periods = free_periods(room, MONDAY, MONDAY + dt.timedelta(days=6), now=BEFORE_OPENING)

    assert [start.strftime("%a") for start, _end in periods] == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_the_past_is_not_free_and_now_rounds_up_to_the_next_slot(room):
    now = dt.datetime(2027, 3, 1, 3, 10, tzinfo=dt.UTC)  # 11:10 in Shanghai

    assert hours(free_periods(room, MONDAY - dt.timedelta(days=3), MONDAY, now=now)) == [
        ("Mon 11:30+0800", "Mon 18:00+0800")
    ]


def test_gaps_shorter_than_the_shortest_booking_and_off_slot_edges_are_dropped(campus, resident_member):
    room = resource_of(campus, "Lab bench", hours=((9, 0), (12, 0)), slot_minutes=30, min_minutes=60)
    booking_of(resident_member, room, dt.datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI), 45)  # ends 09:45
    booking_of(resident_member, room, dt.datetime(2027, 3, 1, 11, 0, tzinfo=SHANGHAI), 30)

    # 09:45 rounds up to 10:00; 10:00-11:00 is one hour; 11:30-12:00 is shorter than an hour.
    assert hours(free_periods(room, MONDAY, MONDAY, now=BEFORE_OPENING)) == [("Mon 10:00+0800", "Mon 11:00+0800")]


def test_nothing_beyond_the_horizon(campus):
    room = resource_of(campus, "Cytometer", horizon_days=2)

    periods = free_periods(room, MONDAY, MONDAY + dt.timedelta(days=30), now=BEFORE_OPENING)

    assert {start.date() for start, _end in periods} == {MONDAY, MONDAY + dt.timedelta(days=1)}


def test_two_opening_periods_of_a_day_stay_apart(campus):
    room = resource_of(campus, "Microscope", hours=((9, 0), (12, 0)), weekdays=[0])
    OpeningHours.objects.create(resource=room, weekday=0, opens=dt.time(12, 0), closes=dt.time(15, 0))

    assert hours(free_periods(room, MONDAY, MONDAY, now=BEFORE_OPENING)) == [
        ("Mon 09:00+0800", "Mon 12:00+0800"),
        ("Mon 12:00+0800", "Mon 15:00+0800"),
    ]


def test_a_day_when_the_clocks_change_keeps_its_wall_clock_hours(campus):
    campus.time_zone = "Europe/London"
    campus.save(update_fields=["time_zone"])
    room = resource_of(campus, "Seminar room", hours=((0, 30), (4, 0)))
    sunday = dt.date(2027, 3, 28)  # 01:00 GMT becomes 02:00 BST

    [(start, end)] = free_periods(room, sunday, sunday, now=dt.datetime(2027, 3, 27, tzinfo=dt.UTC))

    assert (start.isoformat(), end.isoformat()) == ("2027-03-28T00:30:00+00:00", "2027-03-28T04:00:00+01:00")
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=2, minutes=30)


def test_dates_at_the_ends_of_the_calendar_give_nothing_rather_than_an_error(room):
    assert free_periods(room, dt.date(1, 1, 1), dt.date(1, 1, 31), now=BEFORE_OPENING) == []
    assert free_periods(room, dt.date(9999, 12, 1), dt.date(9999, 12, 31), now=BEFORE_OPENING) == []


def test_it_reads_in_two_queries_whatever_the_bookings(room, resident_member, django_assert_num_queries):
    for day in range(5):
        booking_of(resident_member, room, dt.datetime(2027, 3, 1 + day, 10, 0, tzinfo=SHANGHAI), 60)
    room = type(room).objects.select_related("campus").get(pk=room.pk)

    with django_assert_num_queries(2):
        periods = free_periods(room, MONDAY, MONDAY + dt.timedelta(days=6), now=BEFORE_OPENING)

    assert len(periods) == 10
