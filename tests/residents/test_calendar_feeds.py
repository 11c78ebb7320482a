"""Calendar feeds: a secret address per person or resource, read by calendar apps without a session.

What a person notices: the address works once made, stops when replaced or turned off, holds their
own bookings (never a colleague's) at the right instant wherever they read it, and a resource's
calendar says only that it is booked.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client

from residents.models import CalendarFeed
from residents.services.feeds import feed_issue, feed_revoke
from tests.residents.feeds_setup import booking_of, resource_of

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai, a Monday


def parse(body: bytes) -> tuple[dict, list[dict]]:
    """A small RFC 5545 reader: unfold, split properties, unescape text. Returns (calendar, events)."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF only
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line
    lines = text.replace("\r\n ", "").split("\r\n")[:-1]
    calendar, events, current = {}, [], None
    for line in lines:
        name, _, value = line.partition(":")
        name = name.split(";")[0]
        value = _unescape(value)
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
        else:
            calendar[name] = value
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    return calendar, events


def _unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def utc(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def address_of(person_client, path: str = "/my/calendar/") -> str:
    response = person_client.post(path, {"action": "issue"})
    assert response.status_code == 200
    return response.context["address"]


def fetch(address: str):
    return Client().get(address.removeprefix("http://127.0.0.1:8000"))


@pytest.fixture
def room(campus):
    return resource_of(campus, "Meeting room Orion", location="Building A, level 3")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_resident_makes_an_address_and_their_calendar_app_reads_their_bookings(resident_member, room):
    booking = booking_of(resident_member, room, dt.datetime(2027, 3, 3, 9, 0, tzinfo=SHANGHAI), 90, title="Sync")

    address = address_of(resident_member.client)
    response = fetch(address)

    assert address.startswith("http://127.0.0.1:8000/calendar/") and address.endswith(".ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    calendar, [event] = parse(response.content)
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai" and calendar["VERSION"] == "2.0"
    assert event["UID"] == f"booking-{booking.pk}@127.0.0.1"
    assert event["DTSTART"] == "20270303T010000Z" and event["DTEND"] == "20270303T023000Z"
    assert event["SUMMARY"] == "Meeting room Orion: Sync"
    assert "Building A, level 3" in event["LOCATION"]
    assert event["STATUS"] == "CONFIRMED" and "DTSTAMP" in event


def test_the_address_is_shown_once_and_only_its_hash_is_kept(resident_member):
    address = address_of(resident_member.client)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")

    page = resident_member.client.get("/my/calendar/")

    assert token not in page.content.decode()
    assert "A calendar address is on" in page.content.decode()
    feed = CalendarFeed.objects.get()
    assert token not in feed.token_hash and len(feed.token_hash) == 64


def test_the_page_works_in_chinese_and_gives_the_same_kind_of_address(resident_member):
    response = resident_member.client.post("/zh-hans/my/calendar/", {"action": "issue"})

    assert response.status_code == 200
    assert response.context["address"].startswith("http://127.0.0.1:8000/calendar/")
    assert fetch(response.context["address"]).status_code == 200


def test_a_reader_in_london_during_summer_time_sees_the_shanghai_instant(resident_member, room):
    # 15 July: London is on BST (UTC+1), Shanghai on UTC+8 all year.
    booking_of(resident_member, room, dt.datetime(2027, 7, 15, 14, 0, tzinfo=SHANGHAI), 60)

    _, [event] = parse(fetch(address_of(resident_member.client)).content)

    assert event["DTSTART"] == "20270715T060000Z"
    assert utc(event["DTSTART"]).astimezone(LONDON).strftime("%H:%M %Z") == "07:00 BST"


def test_a_london_campus_booking_after_the_clocks_change_is_at_the_right_instant(resident_member, room, campus):
    campus.time_zone = "Europe/London"
    campus.save(update_fields=["time_zone"])
    # 28 March 2027 is the last Sunday of March: 09:00 before it is GMT, 09:00 on the 29th is BST.
    booking_of(resident_member, room, dt.datetime(2027, 3, 27, 9, 0, tzinfo=LONDON), 60)
    booking_of(resident_member, room, dt.datetime(2027, 3, 29, 9, 0, tzinfo=LONDON), 60)

    calendar, events = parse(fetch(address_of(resident_member.client)).content)

    assert calendar["X-WR-TIMEZONE"] == "Europe/London"
    assert [event["DTSTART"] for event in events] == ["20270327T090000Z", "20270329T080000Z"]


HOSTILE = 'Kick-off; budget, "plan"\r\nline two\\ end \x07 实验室周会 🧪 ' + "长" * 60


def test_hostile_titles_are_escaped_and_long_lines_folded(resident_member, room):
    booking_of(resident_member, room, dt.datetime(2027, 3, 4, 10, 0, tzinfo=SHANGHAI), 60, title=HOSTILE)

    body = fetch(address_of(resident_member.client)).content
    _, [event] = parse(body)  # every physical line is at most 75 octets, CRLF only

    assert event["SUMMARY"] == "Meeting room Orion: " + HOSTILE.replace("\r\n", "\n").replace("\x07", "")
    assert b"\r\n " in body  # folded
    for line in body.split(b"\r\n"):
        line.decode("utf-8")  # no character cut in two by the folding
    assert b"line two" in body and b"\\;" in body and b"\\," in body and b"\\n" in body


def test_a_colleagues_and_another_companys_bookings_never_appear(resident_member, resident_admin, other_resident, room):
    mine = booking_of(resident_member, room, dt.datetime(2027, 3, 3, 9, 0, tzinfo=SHANGHAI))
    booking_of(resident_admin, room, dt.datetime(2027, 3, 3, 11, 0, tzinfo=SHANGHAI), title="Board")
    booking_of(other_resident, room, dt.datetime(2027, 3, 3, 13, 0, tzinfo=SHANGHAI), title="Secret")

    body = fetch(address_of(resident_member.client)).content
    _, events = parse(body)

    assert [event["UID"] for event in events] == [f"booking-{mine.pk}@127.0.0.1"]
    assert b"Board" not in body and b"Secret" not in body and b"Nordic" not in body


def test_cancelled_bookings_leave_the_feed_and_moved_ones_count_up(resident_member, room):
    moved = booking_of(resident_member, room, dt.datetime(2027, 3, 5, 9, 0, tzinfo=SHANGHAI))
    cancelled = booking_of(resident_member, room, dt.datetime(2027, 3, 5, 14, 0, tzinfo=SHANGHAI))
    address = address_of(resident_member.client)
    _, before = parse(fetch(address).content)

    # As booking_move and booking_cancel leave them: the change saved with its history row.
    moved.starts_at = dt.datetime(2027, 3, 5, 10, 0, tzinfo=SHANGHAI)
    moved.ends_at = moved.starts_at + dt.timedelta(hours=1)
    moved._change_reason = "moved"
    moved.save()
    cancelled.status = "cancelled"
    cancelled.save()
    _, [after] = parse(fetch(address).content)

    assert len(before) == 2
    assert after["UID"] == f"booking-{moved.pk}@127.0.0.1" and after["DTSTART"] == "20270305T020000Z"
    assert int(after["SEQUENCE"]) > int(before[0]["SEQUENCE"])


def test_a_booking_waiting_for_approval_is_tentative(resident_member, room):
    booking_of(resident_member, room, dt.datetime(2027, 3, 3, 9, 0, tzinfo=SHANGHAI), status="requested")

    _, [event] = parse(fetch(address_of(resident_member.client)).content)

    assert event["STATUS"] == "TENTATIVE"


def test_a_new_address_stops_the_old_and_turning_off_stops_both(resident_member):
    first = address_of(resident_member.client)
    second = address_of(resident_member.client)

    assert fetch(first).status_code == 404
    assert fetch(second).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1

    response = resident_member.client.post("/my/calendar/", {"action": "revoke"})

    assert response.status_code == 302
    assert fetch(second).status_code == 404
    assert "No calendar address yet" in resident_member.client.get("/my/calendar/").content.decode()


@pytest.mark.parametrize("token", ["x" * 43, "short", "a" * 300])
def test_an_unknown_address_is_404(db, token):
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_closed_account_stops_its_address(resident_member, resident_admin):
    from residents.services.members import member_remove

    address = address_of(resident_member.client)
    member_remove(membership=resident_member.membership, actor=resident_admin.user)

    assert fetch(address).status_code == 404


def test_a_committee_members_feed_holds_the_meetings_they_are_invited_to(alice, bob, campus):
    from advisory.models import Meeting

    invited = Meeting.objects.create(
        committee=alice.committee,
        title="Spring session",
        starts_at=dt.datetime(2027, 3, 10, 14, 0, tzinfo=SHANGHAI),
        place="Board room",
        video_link="https://meet.example.org/spring",
        agenda="Helix Therapeutics (confidential)",
    )
    invited.invitees.add(alice)
    Meeting.objects.create(committee=alice.committee, title="Not for Alice", starts_at=NOW + dt.timedelta(days=3))
    member = Client()
    member.force_login(alice.user)
    assert "/advisory/calendar/" in member.get("/advisory/").content.decode()  # linked from the dashboard

    address = address_of(member, "/advisory/calendar/")
    body = fetch(address).content
    _, [event] = parse(body)

    assert event["SUMMARY"] == "Spring session" and event["DTSTART"] == "20270310T060000Z"
    assert event["DTEND"] == "20270310T073000Z" and event["LOCATION"] == "Board room"
    assert b"confidential" not in body and b"Not for Alice" not in body


def resource_keeper(user):
    """A staff member who may change resources (the permission the resource's calendar page asks)."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="change_resource", content_type__app_label="residents"))
    return user


def test_a_resource_feed_says_booked_and_never_who(resident_member, other_resident, room, campus_manager):
    booking_of(resident_member, room, dt.datetime(2027, 3, 3, 9, 0, tzinfo=SHANGHAI), title="Helix board")
    booking_of(other_resident, room, dt.datetime(2027, 3, 3, 11, 0, tzinfo=SHANGHAI), status="requested")
    staff = Client()
    staff.force_login(resource_keeper(campus_manager))

    address = address_of(staff, f"/staff/bookings/resources/{room.pk}/calendar/")
    body = fetch(address).content
    calendar, events = parse(body)

    assert calendar["X-WR-CALNAME"] == "Meeting room Orion · bookings"
    assert [(e["SUMMARY"], e["STATUS"]) for e in events] == [
        ("Booked", "CONFIRMED"),
        ("Waiting for approval", "TENTATIVE"),
    ]
    for secret in (b"Helix", b"Nordic", b"board", b"example.com", b"Max"):
        assert secret not in body


def test_the_resource_calendar_page_is_for_staff_who_may_change_resources(room, campus_manager, resident_admin):
    from tests.personas import staff_in_role

    page = f"/staff/bookings/resources/{room.pk}/calendar/"
    staff = Client()
    staff.force_login(staff_in_role("partnerships_manager"))  # a role without the resources' permissions
    manager = Client()
    manager.force_login(campus_manager)  # runs resources, so makes their addresses

    assert staff.get(page).status_code == 403
    assert manager.get(page).status_code == 200
    assert resident_admin.client.get(page).status_code in {302, 403, 404}
    assert not CalendarFeed.objects.exists()


def test_services_refuse_an_owner_that_is_neither_or_both(resident_member, room):
    from common.errors import DomainError

    with pytest.raises(DomainError):
        feed_issue(actor=None)
    with pytest.raises(DomainError):
        feed_issue(user=resident_member.user, resource=room, actor=None)
    feed_issue(resource=room, actor=None)
    assert feed_revoke(resource=room, actor=None) == 1
    assert feed_revoke(resource=room, actor=None) == 0


def test_reading_a_feed_is_rate_limited_per_address(resident_member, settings):
    from residents.views import feeds

    address = address_of(resident_member.client)
    settings.RATELIMIT_ENABLE = True
    original, feeds.FEED_RATE = feeds.FEED_RATE, "2/h"
    try:
        statuses = [fetch(address).status_code for _ in range(3)]
    finally:
        feeds.FEED_RATE = original

    assert statuses == [200, 200, 429]


def test_a_feed_reads_in_constant_queries(resident_member, room, django_assert_max_num_queries):
    address = address_of(resident_member.client)
    for day in range(20):
        booking_of(resident_member, room, dt.datetime(2027, 3, 2 + day, 9, 0, tzinfo=SHANGHAI))

    with django_assert_max_num_queries(8):
        response = fetch(address)

    assert len(parse(response.content)[1]) == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_addresses_made_at_once_leave_one_live(resident_member):
    from tests.concurrency import at_once

    outcomes = at_once(
        lambda: feed_issue(user=resident_member.user, actor=resident_member.user),
        lambda: feed_issue(user=resident_member.user, actor=resident_member.user),
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert CalendarFeed.objects.filter(user=resident_member.user, revoked_at__isnull=True).count() == 1
    assert CalendarFeed.objects.filter(user=resident_member.user).count() == 2


def test_the_database_refuses_a_second_live_feed(resident_member):
    from django.db import IntegrityError, transaction

    from common.tokens import hash_token

    feed_issue(user=resident_member.user, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(user=resident_member.user, token_hash=hash_token("another"))


def test_the_address_is_redacted_from_the_request_log(resident_member):
    """Django logs a missing feed as "Not Found: <path>"; the portal's filter takes the token out."""
    import logging

    from common.logging import RedactSecrets

    address = address_of(resident_member.client)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    wrong = token[:20]
    record = logging.makeLogRecord(
        {"msg": "Not Found: %s", "args": (f"/calendar/{wrong}.ics",), "levelno": logging.WARNING}
    )
    served = logging.makeLogRecord({"msg": f'"GET /zh-hans/calendar/{token}.ics HTTP/1.1" 200 512'})

    for entry in (record, served):
        RedactSecrets().filter(entry)

    assert record.getMessage() == "Not Found: /calendar/[redacted]"
    assert served.getMessage() == '"GET /zh-hans/calendar/[redacted] HTTP/1.1" 200 512'
