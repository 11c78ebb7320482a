"""Booking rooms and instruments at /my/bookings/: the week view, booking, moving, cancelling, the rules."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.choices import BookingStatus
from residents.models import Booking, Resource, Training
from residents.services.bookings import at, booking_cancel, booking_check, booking_reminders_send
from tenants.choices import CompanyStatus
from tests.campus.factories import BuildingFactory, SpaceFactory
from tests.residents.bookings_setup import booked, in_days, instrument, resource_open, tomorrow_at

pytestmark = pytest.mark.django_db


def _book(person, resource, starts_at, minutes=60, **extra):
    local = timezone.localtime(starts_at, resource.campus.tz)
    data = {"day": local.date().isoformat(), "start": local.strftime("%H:%M"), "duration": minutes, **extra}
    return person.client.post(reverse("residents:resource", args=[resource.pk]), data)


def test_a_person_books_a_free_slot_from_the_week_view_and_hears_of_it(resident_member, mailed):
    room = resource_open(resident_member.company.campus)
    start = tomorrow_at(room, 10)
    wall = timezone.localtime(start, room.campus.tz)
    week = resident_member.client.get(reverse("residents:resource", args=[room.pk]), {"week": wall.date()})
    slot_link = f"start={wall.strftime('%Y-%m-%dT%H:%M')}"
    assert slot_link in week.content.decode()

    form = resident_member.client.get(reverse("residents:resource", args=[room.pk]) + "?" + slot_link)
    assert 'value="10:00"' in form.content.decode()

    response, sent = mailed(lambda: _book(resident_member, room, start, 90, title="Team meeting"))

    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("residents:booking", args=[booking.pk])
    assert (booking.ends_at - booking.starts_at) == dt.timedelta(minutes=90)
    assert booking.status == BookingStatus.CONFIRMED and booking.company == resident_member.company
    [email] = sent
    assert email.to == [resident_member.user.email]
    assert "10:00–11:30 (Asia/Shanghai, UTC+08:00)" in email.body
    page = resident_member.client.get(reverse("residents:resource", args=[room.pk]), {"week": wall.date()})
    assert f'href="{reverse("residents:booking", args=[booking.pk])}"' in page.content.decode()


def test_an_overlapping_booking_is_refused_naming_the_taken_time_and_keeping_the_input(resident_member, other_resident):
    room = resource_open(resident_member.company.campus)
    booked(other_resident, room, tomorrow_at(room, 10), hours=2)

    response = _book(resident_member, room, tomorrow_at(room, 11), 60, title="Keep this title")

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "already booked from 10:00 to 12:00" in errors["start"][0]
    assert 'value="Keep this title"' in response.content.decode()
    assert Booking.objects.count() == 1
    # Back to back is fine.
    assert _book(resident_member, room, tomorrow_at(room, 12), 60).status_code == 302


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("closed", "start", "is closed at that time"),
        ("beyond horizon", "start", "at most 10 days ahead"),
        ("off the slots", "start", "30-minute slots"),
        ("too long", "duration", "Select a valid choice"),
        ("past", "start", "This time has passed"),
    ],
)
def test_bookings_outside_the_rules_are_refused_with_the_reason(resident_member, case, field, message):
    room = resource_open(resident_member.company.campus, horizon_days=10)
    start = {
        "closed": tomorrow_at(room, 20),
        "beyond horizon": in_days(room, 12, 10),
        "off the slots": tomorrow_at(room, 10, 15),
        "too long": tomorrow_at(room, 9),
        "past": in_days(room, -1, 10),
    }[case]
    response = _book(resident_member, room, start, 600 if case == "too long" else 60)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field]), response.context["form"].errors
    assert not Booking.objects.exists()


def test_instruments_are_booked_only_by_people_with_a_valid_training(resident_member, resident_admin):
    sequencer = instrument(resident_member.company.campus, trained=[resident_admin.user])
    start = tomorrow_at(sequencer, 9)

    untrained = _book(resident_member, sequencer, start)
    assert untrained.status_code == 400
    assert "Only people trained on Sequencer may book it" in str(untrained.context["form"].non_field_errors())
    listing = resident_member.client.get(reverse("residents:bookings")).content.decode()
    assert "Training required" in listing

    Training.objects.create(
        resource=sequencer,
        user=resident_member.user,
        trained_on=dt.date.today() - dt.timedelta(days=400),
        expires_on=dt.date.today() - dt.timedelta(days=1),
    )
    assert _book(resident_member, sequencer, start).status_code == 400
    assert "Training expired" in resident_member.client.get(reverse("residents:bookings")).content.decode()

    assert _book(resident_admin, sequencer, start).status_code == 302
    assert Booking.objects.get().price_per_hour == Decimal("600")


def test_a_company_that_is_not_an_active_resident_cannot_book(resident_member):
    room = resource_open(resident_member.company.campus)
    company = resident_member.company
    company.status = CompanyStatus.ALUMNI
    company.save(update_fields=["status"])

    response = _book(resident_member, room, tomorrow_at(room, 10))

    assert response.status_code == 400
    assert "Only resident companies can book" in str(response.context["form"].non_field_errors())


def test_cancelling_frees_the_slot_until_the_cut_off_and_not_after(resident_member, other_resident, mailed):
    room = resource_open(resident_member.company.campus, cancel_cutoff_hours=24)
    early = booked(resident_member, room, in_days(room, 3, 10))
    late = booked(
        resident_member,
        room,
        in_days(room, 0, 19) if timezone.localtime(timezone.now(), room.campus.tz).hour < 18 else tomorrow_at(room, 9),
    )

    response, sent = mailed(
        lambda: resident_member.client.post(reverse("residents:booking_cancel", args=[early.pk]), {"reason": "Moved"})
    )
    assert response.status_code == 302
    early.refresh_from_db()
    assert early.status == BookingStatus.CANCELLED and early.cancelled_by == resident_member.user
    assert "is cancelled" in sent[0].body
    assert early.history.first().history_change_reason == "Moved"
    # The slot is free for another company now.
    assert booked(other_resident, room, early.starts_at).status == BookingStatus.CONFIRMED

    refused = resident_member.client.post(reverse("residents:booking_cancel", args=[late.pk]), follow=True)
    assert "can be changed until 24 hours before they start" in refused.content.decode()
    late.refresh_from_db()
    assert late.status == BookingStatus.CONFIRMED


def test_only_the_person_who_booked_or_a_company_admin_changes_a_booking(
    resident_member, resident_finance, resident_admin
):
    room = resource_open(resident_member.company.campus)
    booking = booked(resident_member, room, in_days(room, 3, 10))

    page = resident_finance.client.get(reverse("residents:booking", args=[booking.pk])).content.decode()
    assert "Cancel the booking" not in page
    resident_finance.client.post(reverse("residents:booking_cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    resident_admin.client.post(reverse("residents:booking_cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_moving_a_booking_keeps_the_rules_and_tells_the_person(resident_member, other_resident, mailed):
    room = resource_open(resident_member.company.campus)
    booking = booked(resident_member, room, in_days(room, 3, 10))
    booked(other_resident, room, in_days(room, 3, 14))
    url = reverse("residents:booking", args=[booking.pk])
    day = timezone.localtime(booking.starts_at, room.campus.tz).date().isoformat()

    taken = resident_member.client.post(url, {"day": day, "start": "14:00", "duration": 60})
    assert (
        taken.status_code == 400
        and "already booked from 14:00 to 15:00" in taken.context["move_form"].errors["start"][0]
    )

    response, sent = mailed(lambda: resident_member.client.post(url, {"day": day, "start": "16:00", "duration": 60}))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert timezone.localtime(booking.starts_at, room.campus.tz).hour == 16
    assert "is now" in sent[0].body and "It was" in sent[0].body


def test_weekly_bookings_skip_taken_weeks_and_list_them(resident_member, other_resident):
    room = resource_open(resident_member.company.campus, horizon_days=60)
    first = in_days(room, 2, 9)
    booked(other_resident, room, first + dt.timedelta(weeks=2))
    until = timezone.localtime(first, room.campus.tz).date() + dt.timedelta(weeks=3)

    response = _book(resident_member, room, first, 60, repeat_until=until.isoformat(), title="Stand-up")

    assert response.status_code == 302
    ours = Booking.objects.filter(company=resident_member.company).order_by("starts_at")
    assert [b.starts_at for b in ours] == [first + dt.timedelta(weeks=w) for w in (0, 1, 3)]
    series = ours[0].series
    assert [week["date"] for week in series.skipped] == [(until - dt.timedelta(weeks=1)).isoformat()]
    listing = resident_member.client.get(reverse("residents:bookings")).content.decode()
    assert "Stand-up" in listing and "Not booked:" in listing

    resident_member.client.post(reverse("residents:series_cancel", args=[series.pk]))
    assert not Booking.objects.live().filter(company=resident_member.company).exists()


def test_check_in_and_out_record_the_time_used(resident_member, client):
    room = resource_open(resident_member.company.campus)
    booking = booked(resident_member, room, tomorrow_at(room, 10))
    url = reverse("residents:booking_check", args=[booking.pk])

    too_early = resident_member.client.post(url, {"direction": "in"}, follow=True)
    assert "Check-in opens 15 minutes before the start" in too_early.content.decode()

    Booking.objects.filter(pk=booking.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=5), ends_at=timezone.now() + dt.timedelta(minutes=55)
    )
    assert "Check in" in resident_member.client.get(reverse("residents:booking", args=[booking.pk])).content.decode()
    on_resource_page = resident_member.client.get(reverse("residents:resource", args=[room.pk])).content.decode()
    assert "Your booking now" in on_resource_page and f'action="{url}"' in on_resource_page
    resident_member.client.post(url, {"direction": "in"})
    resident_member.client.post(url, {"direction": "out"})
    booking.refresh_from_db()
    assert booking.checked_in_at and booking.checked_out_at >= booking.checked_in_at
    assert booking.history.filter(history_change_reason="checked in").exists()


def test_a_reminder_goes_out_once_before_the_start(resident_member, mailed):
    room = resource_open(resident_member.company.campus)
    booking = booked(resident_member, room, tomorrow_at(room, 10))
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - dt.timedelta(days=2))

    later = booking.starts_at - dt.timedelta(hours=3)
    count, sent = mailed(lambda: booking_reminders_send(now=later))
    assert count == 1 and len(sent) == 1 and "A reminder" in sent[0].body
    assert booking_reminders_send(now=later) == 0


def test_staff_cancel_after_the_cut_off(resident_member, campus_manager):
    room = resource_open(resident_member.company.campus, cancel_cutoff_hours=48)
    booking = booked(resident_member, room, tomorrow_at(room, 10))

    booking_cancel(booking=booking, actor=campus_manager, reason="Fire drill")

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.reason == "Fire drill"


def test_opening_hours_and_bookings_follow_the_campus_time_zone_across_daylight_saving(resident_member):
    campus = resident_member.company.campus
    campus.time_zone = "Europe/London"
    campus.save(update_fields=["time_zone"])
    room = Resource.objects.get(pk=resource_open(campus).pk)
    summer, winter = dt.date(2027, 7, 6), dt.date(2027, 1, 12)

    assert at(room, summer, dt.time(9)).astimezone(dt.UTC).hour == 8  # BST: UTC+1
    assert at(room, winter, dt.time(9)).astimezone(dt.UTC).hour == 9  # GMT

    room.horizon_days = 730
    room.save()
    booking = booked(resident_member, room, at(room, summer, dt.time(9)))
    assert booking.when_display.endswith("09:00–10:00 (Europe/London, UTC+01:00)")
    tokyo = booking.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert tokyo.hour == 17


def test_the_week_view_runs_a_fixed_number_of_queries(resident_member, other_resident, django_assert_max_num_queries):
    room = resource_open(resident_member.company.campus, hours=((dt.time(0), dt.time(23, 30)),))
    # The week that holds tomorrow: on a Sunday in campus time, that is next week.
    url = (
        f"{reverse('residents:resource', args=[room.pk])}?week={tomorrow_at(room, 0).astimezone(room.campus.tz).date()}"
    )
    booked(other_resident, room, tomorrow_at(room, 0))
    resident_member.client.get(url)
    with django_assert_max_num_queries(20) as few:
        resident_member.client.get(url)
    for hour in range(1, 23):
        booked(other_resident, room, tomorrow_at(room, hour))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = resident_member.client.get(url)
    assert response.content.decode().count('class="slot taken"') >= 22


def test_the_bookings_list_runs_a_fixed_number_of_queries(resident_member, django_assert_max_num_queries):
    campus = resident_member.company.campus
    url = reverse("residents:bookings")

    def add_rooms(first: int, count: int) -> None:
        for i in range(first, first + count):  # each room in a building of its own, shown by its space
            space = SpaceFactory(building=BuildingFactory(campus=campus))
            room = resource_open(campus, name=f"Room {i}", space=space)
            booked(resident_member, room, tomorrow_at(room, 10))

    add_rooms(0, 1)
    resident_member.client.get(url)
    with django_assert_max_num_queries(15) as few:
        resident_member.client.get(url)
    add_rooms(1, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = resident_member.client.get(url)
    assert response.content.decode().count("Room ") >= 6


def test_the_residents_list_shows_the_campuss_resources_and_the_companys_bookings(resident_member, other_resident):
    room = resource_open(resident_member.company.campus)
    elsewhere = resource_open(
        other_resident.company.campus.__class__.objects.create(
            slug="other", name="Other campus", city="Suzhou", country="CN", rd_area_m2=1
        ),
        name="Elsewhere",
    )
    booked(resident_member, room, tomorrow_at(room, 10), title="Ours")
    booked(other_resident, room, tomorrow_at(room, 12), title="Theirs")

    page = resident_member.client.get(reverse("residents:bookings")).content.decode()

    assert room.name in page and elsewhere.name not in page
    assert "Ours" in page and "Theirs" not in page
    assert resident_member.client.get(reverse("residents:resource", args=[elsewhere.pk])).status_code == 404


@pytest.mark.parametrize("path", ["/my/bookings/", "/zh-hans/my/bookings/"])
def test_the_pages_speak_both_languages(resident_member, path):
    room = resource_open(resident_member.company.campus, name_zh="会议室")
    booking = booked(resident_member, room, tomorrow_at(room, 10))
    prefix = "/zh-hans" if path.startswith("/zh-hans") else ""
    for url in (path, f"{prefix}/my/bookings/resources/{room.pk}/", f"{prefix}/my/bookings/{booking.pk}/"):
        response = resident_member.client.get(url)
        assert response.status_code == 200, url
        if prefix:
            assert "会议室" in response.content.decode()


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-02-30", "<script>", "2026-13-01"])
def test_a_nonsense_week_in_the_address_shows_this_week(resident_member, week):
    room = resource_open(resident_member.company.campus)

    response = resident_member.client.get(reverse("residents:resource", args=[room.pk]), {"week": week, "start": week})

    assert response.status_code == 200
    assert response.context["monday"] == response.context["this_week"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-02"])
def test_a_date_years_away_is_refused_on_its_field(resident_member, day):
    room = resource_open(resident_member.company.campus)

    response = resident_member.client.post(
        reverse("residents:resource", args=[room.pk]), {"day": day, "start": "23:30", "duration": 240}
    )

    assert response.status_code == 400
    assert "within two years" in response.context["form"].errors["day"][0]


def _london(resident_member, **fields):
    campus = resident_member.company.campus
    campus.time_zone = "Europe/London"
    campus.save(update_fields=["time_zone"])
    return resource_open(campus, hours=((dt.time(0), dt.time(6)),), horizon_days=730, max_minutes=300, **fields)


def test_on_the_day_clocks_go_forward_a_skipped_time_is_refused_and_durations_are_real(resident_member):
    room = _london(resident_member)
    day = "2027-03-28"  # 01:00 GMT becomes 02:00 BST

    skipped = resident_member.client.post(
        reverse("residents:resource", args=[room.pk]), {"day": day, "start": "01:30", "duration": 60}
    )
    assert skipped.status_code == 400
    assert "clocks go forward" in skipped.context["form"].errors["start"][0]

    made = resident_member.client.post(
        reverse("residents:resource", args=[room.pk]), {"day": day, "start": "00:00", "duration": 240}
    )
    assert made.status_code == 302
    booking = Booking.objects.get()
    assert booking.ends_at - booking.starts_at == dt.timedelta(hours=4)
    assert booking.local_end.strftime("%H:%M") == "05:00"  # four real hours, one of them skipped

    week = resident_member.client.get(reverse("residents:resource", args=[room.pk]), {"week": day})
    sunday = week.context["days"][6]
    labels = [slot.label for slot in sunday.slots]
    assert len(labels) == len(set(labels)) and "01:30" not in labels


def test_on_the_day_clocks_go_back_a_booking_lasts_what_it_says_and_costs_that(resident_member):
    room = _london(resident_member, price_per_hour=Decimal("100"))

    response = resident_member.client.post(
        reverse("residents:resource", args=[room.pk]), {"day": "2027-10-31", "start": "00:00", "duration": 240}
    )

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.ends_at - booking.starts_at == dt.timedelta(hours=4)
    assert booking.amount == Decimal("400.00")


def test_a_member_cannot_cancel_a_colleagues_weekly_booking(resident_admin, resident_member):
    room = resource_open(resident_admin.company.campus, horizon_days=60)
    first = in_days(room, 3, 9)
    until = timezone.localtime(first, room.campus.tz).date() + dt.timedelta(weeks=3)
    _book(resident_admin, room, first, 60, repeat_until=until.isoformat())
    series = Booking.objects.get(starts_at=first).series

    refused = resident_member.client.post(reverse("residents:series_cancel", args=[series.pk]), follow=True)

    assert "Only the person who booked it, or a company admin" in refused.content.decode()
    series.refresh_from_db()
    assert series.cancelled_at is None and series.bookings.live().count() == 4
    resident_admin.client.post(reverse("residents:series_cancel", args=[series.pk]))
    series.refresh_from_db()
    assert series.cancelled_at is not None and not series.bookings.live().exists()


def test_a_forgotten_check_out_counts_no_more_than_the_booking(resident_member):
    room = resource_open(resident_member.company.campus)
    booking = booked(resident_member, room, tomorrow_at(room, 10))
    ended = timezone.now() - dt.timedelta(days=3)
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=ended - dt.timedelta(hours=1), ends_at=ended, checked_in_at=ended - dt.timedelta(minutes=55)
    )

    booking_check(booking=booking, actor=resident_member.user, out=True)

    booking.refresh_from_db()
    assert booking.checked_out_at == ended and booking.used_hours < 1


def test_cancelling_twice_cancels_once(resident_member, mailed):
    room = resource_open(resident_member.company.campus)
    booking = booked(resident_member, room, in_days(room, 3, 10))
    url = reverse("residents:booking_cancel", args=[booking.pk])

    _first, sent = mailed(lambda: resident_member.client.post(url))
    second = resident_member.client.post(url, follow=True)

    assert len(sent) == 1
    assert "is cancelled" in second.content.decode()
