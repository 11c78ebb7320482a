"""The campus staff's side of bookings in the admin: resources with their opening hours, trainings
recorded by whom, and bookings that staff confirm, decline, cancel and check in through the service,
never by editing them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from residents.choices import BookingStatus
from residents.models import Booking, Resource, Training
from tenants.models import Notification
from tests.personas import staff_in_role
from tests.residents.staff_bookings_setup import a_resource, at, booked

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def facility(campus):
    return signed_in(staff_in_role("facility_manager", "facility"))


@pytest.fixture
def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


# --- Resources ----------------------------------------------------------------------------------


def test_a_resource_is_added_with_its_opening_hours(facility, campus):
    inline = "opening_hours"
    response = facility.post(
        "/admin/residents/resource/add/",
        {
            "campus": campus.pk,
            "kind": "equipment",
            "name": "Confocal microscope",
            "slot_minutes": 30,
            "min_minutes": 30,
            "max_minutes": 240,
            "horizon_days": 60,
            "cancel_cutoff_hours": 24,
            "price_per_hour": "350",
            "tax_percent": "6",
            "training_required": "on",
            "is_active": "on",
            f"{inline}-TOTAL_FORMS": 1,
            f"{inline}-INITIAL_FORMS": 0,
            f"{inline}-0-weekday": 0,
            f"{inline}-0-opens": "09:00",
            f"{inline}-0-closes": "17:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    resource = Resource.objects.get(name="Confocal microscope")
    assert [str(hours) for hours in resource.opening_hours.all()] == ["Monday 09:00–17:00"]
    listing = facility.get("/admin/residents/resource/?q=confocal").content.decode()
    assert "Confocal microscope" in listing and "350" in listing


def resource_form(campus, **fields) -> dict:
    inline = "opening_hours"
    return {
        "campus": campus.pk,
        "kind": "room",
        "name": "Board room",
        "slot_minutes": 30,
        "min_minutes": 30,
        "max_minutes": 240,
        "horizon_days": 60,
        "cancel_cutoff_hours": 24,
        "price_per_hour": "0",
        "tax_percent": "6",
        "is_active": "on",
        f"{inline}-TOTAL_FORMS": 0,
        f"{inline}-INITIAL_FORMS": 0,
        **fields,
    }


def test_a_resources_photo_is_kept_as_a_picture_the_portal_draws(facility, campus, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.tenants.files import image_bytes

    refused = facility.post(
        "/admin/residents/resource/add/", resource_form(campus, photo=SimpleUploadedFile("x.png", b"not a picture"))
    )
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert not Resource.objects.exists()
    facility.post(
        "/admin/residents/resource/add/",
        resource_form(campus, photo=SimpleUploadedFile("room.jpg", image_bytes("JPEG"))),
    )

    resource = Resource.objects.get()
    assert resource.photo.name.endswith(".png") and resource.photo.read().startswith(b"\x89PNG")


def test_the_resource_form_explains_its_rules(facility, campus):
    page = facility.get("/admin/residents/resource/add/").content.decode()

    assert "Booking rules" in page and "no-shows included" in page


# --- Trainings ----------------------------------------------------------------------------------


def test_a_training_is_recorded_with_who_recorded_it(facility, resident_member, campus):
    microscope = a_resource(campus, "Microscope", training_required=True)

    response = facility.post(
        "/admin/residents/training/add/",
        {"user": resident_member.user.pk, "resource": microscope.pk, "trained_on": "2026-01-10"},
    )

    assert response.status_code == 302
    training = Training.objects.get()
    assert training.recorded_by.username == "facility"
    assert training.history.get().history_user.username == "facility"


def test_the_trainings_list_tells_valid_expired_and_expiring(facility, resident_member, resident_admin, campus):
    today = timezone.localdate()
    microscope, sequencer = a_resource(campus, "Microscope"), a_resource(campus, "Sequencer")
    Training.objects.create(user=resident_member.user, resource=microscope, expires_on=today + dt.timedelta(days=10))
    Training.objects.create(user=resident_admin.user, resource=sequencer, trained_on=today - dt.timedelta(days=400))
    Training.objects.create(
        user=resident_admin.user,
        resource=microscope,
        trained_on=today - dt.timedelta(days=400),
        expires_on=today - dt.timedelta(days=1),
    )

    def listed(validity: str) -> list[str]:
        page = facility.get(f"/admin/residents/training/?validity={validity}").content.decode()
        return sorted(re.findall(r'<td class="field-resource[^"]*">([^<]*)</td>', page))

    assert listed("expiring") == ["Microscope"]
    assert listed("valid") == ["Microscope", "Sequencer"]
    assert listed("expired") == ["Microscope"]
    searched = facility.get(f"/admin/residents/training/?q={resident_member.user.email}").content.decode()
    assert searched.count('class="field-user') == 1


def test_the_person_box_finds_residents_people_only(facility, resident_member, campus):
    found = facility.get("/admin/residents/training/people/?term=" + resident_member.user.email.split("@")[0]).json()

    assert [row["id"] for row in found["results"]] == [str(resident_member.user.pk)]
    assert facility.get("/admin/residents/training/people/?term=facility").json()["results"] == []
    desk = signed_in(staff_in_role("front_desk", "desk"))
    assert desk.get("/admin/residents/training/people/?term=a").status_code == 403


# --- Bookings -----------------------------------------------------------------------------------


def test_staff_cannot_add_a_booking_nor_edit_its_times(facility, resident_member, campus, tomorrow):
    room = a_resource(campus)
    booking = booked(room, resident_member, tomorrow, 10)
    other = booked(room, resident_member, tomorrow, 12)

    page = facility.get(f"/admin/residents/booking/{booking.pk}/change/").content.decode()
    facility.post(
        f"/admin/residents/booking/{booking.pk}/change/",
        {"starts_at_0": tomorrow.isoformat(), "starts_at_1": "12:00", "status": "cancelled"},
    )

    assert facility.get("/admin/residents/booking/add/").status_code == 403
    assert 'name="starts_at' not in page and 'name="_save"' not in page
    assert f"{tomorrow:%Y-%m-%d} 10:00–11:00" in page  # in campus time
    booking.refresh_from_db()
    assert (booking.starts_at, booking.status) == (at(campus, tomorrow, 10), BookingStatus.CONFIRMED)
    assert other.starts_at == at(campus, tomorrow, 12)
    assert facility.post(f"/admin/residents/booking/{booking.pk}/delete/").status_code == 403


def test_the_list_shows_campus_times_and_filters_by_status(facility, resident_member, campus, tomorrow):
    room = a_resource(campus)
    booked(room, resident_member, tomorrow, 9, status=BookingStatus.REQUESTED)
    booked(room, resident_member, tomorrow, 14, status=BookingStatus.CANCELLED)

    waiting = facility.get("/admin/residents/booking/?status__exact=requested").content.decode()

    assert f"{tomorrow:%Y-%m-%d} 09:00–10:00" in waiting and "14:00–15:00" not in waiting


def test_staff_confirm_a_requested_booking_and_the_person_is_told(facility, resident_member, campus, tomorrow):
    room = a_resource(campus, approval_required=True)
    booking = booked(room, resident_member, tomorrow, 10, status=BookingStatus.REQUESTED)

    page = facility.get(f"/admin/residents/booking/{booking.pk}/change/").content.decode()
    response = facility.post(f"/admin/residents/booking/{booking.pk}/step/", {"action": "confirm"}, follow=True)

    assert "Confirm" in page and "Why it is declined" in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.decided_by.username == "facility"
    assert "Confirmed" in response.content.decode()
    assert Notification.objects.filter(kind="booking_confirmed", recipient=resident_member.user.email).exists()


def test_declining_needs_a_reason(facility, resident_member, campus, tomorrow):
    booking = booked(a_resource(campus), resident_member, tomorrow, 10, status=BookingStatus.REQUESTED)

    refused = facility.post(f"/admin/residents/booking/{booking.pk}/step/", {"action": "decline"}, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    assert "Say why the booking is declined." in refused.content.decode()

    facility.post(f"/admin/residents/booking/{booking.pk}/step/", {"action": "decline", "reason": "Maintenance"})
    booking.refresh_from_db()
    assert (booking.status, booking.reason) == (BookingStatus.DECLINED, "Maintenance")
    assert Notification.objects.filter(kind="booking_declined").exists()


def test_staff_cancel_with_a_reason_kept_in_the_history(facility, resident_member, campus, tomorrow):
    booking = booked(a_resource(campus), resident_member, tomorrow, 10)

    facility.post(f"/admin/residents/booking/{booking.pk}/step/", {"action": "cancel", "reason": "Fire drill"})

    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by.username, booking.reason) == ("cancelled", "facility", "Fire drill")
    assert booking.history.first().history_change_reason == "Fire drill"


def test_staff_record_a_check_in_and_out_for_the_person(facility, resident_member, campus):
    now = timezone.localtime(timezone.now(), campus.tz)
    booking = Booking.objects.create(
        resource=a_resource(campus, hours=(dt.time(0), dt.time(23, 59))),
        company=resident_member.company,
        booked_by=resident_member.user,
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(minutes=50),
    )

    facility.post(f"/admin/residents/booking/{booking.pk}/step/", {"action": "check_in"})
    facility.post(f"/admin/residents/booking/{booking.pk}/step/", {"action": "check_out"})

    booking.refresh_from_db()
    assert booking.checked_in_at is not None and booking.checked_out_at >= booking.checked_in_at
    assert booking.history.first().history_change_reason == "checked out"


def test_a_step_refused_by_the_service_is_shown_and_changes_nothing(facility, resident_member, campus, tomorrow):
    booking = booked(a_resource(campus), resident_member, tomorrow, 10, status=BookingStatus.CANCELLED)

    response = facility.post(f"/admin/residents/booking/{booking.pk}/step/", {"action": "confirm"}, follow=True)

    assert "This booking is not waiting for approval." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_confirming_several_from_the_list_reports_each_refusal(facility, resident_member, campus, tomorrow):
    room = a_resource(campus)
    waiting = booked(room, resident_member, tomorrow, 9, status=BookingStatus.REQUESTED)
    done = booked(room, resident_member, tomorrow, 11)

    response = facility.post(
        "/admin/residents/booking/",
        {"action": "confirm_selected", "_selected_action": [waiting.pk, done.pk]},
        follow=True,
    )

    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.CONFIRMED
    page = response.content.decode()
    assert "1 bookings confirmed." in page and "This booking is not waiting for approval." in page


def test_the_front_desk_checks_in_but_cannot_edit_resources(resident_member, campus, tomorrow):
    desk = signed_in(staff_in_role("front_desk", "desk"))
    booking = booked(a_resource(campus), resident_member, tomorrow, 10, status=BookingStatus.REQUESTED)

    assert desk.get(f"/admin/residents/booking/{booking.pk}/change/").status_code == 200
    assert desk.get("/admin/residents/resource/add/").status_code == 403
    assert desk.get("/admin/residents/training/").status_code == 403
