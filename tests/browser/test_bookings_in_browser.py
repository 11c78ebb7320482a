"""Booking a room in a real browser: a free slot, a refused overlap, a cancellation, on a phone too."""

from __future__ import annotations

import os

import pytest

from residents.choices import BookingStatus
from residents.models import Booking
from tests.browser.test_residents_day_in_browser import sign_in
from tests.personas import RESIDENT_PASSWORD
from tests.residents.bookings_setup import booked, in_days, resource_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_books_is_refused_an_overlap_and_cancels(page, live_server, resident_admin, other_resident):
    room = resource_open(resident_admin.company.campus, name="Meeting room A-402", name_zh="会议室 A-402")
    taken = booked(other_resident, room, in_days(room, 3, 14), hours=2)
    shots = os.environ.get("SCREENSHOT_DIR")
    main = page.locator("main")

    sign_in(page, f"{live_server.url}/my/login/", resident_admin.user.email, RESIDENT_PASSWORD)
    page.get_by_role("navigation", name="My company").get_by_role("link", name="Bookings").click()
    main.get_by_role("link", name="See the week and book").click()
    week_of_taken = taken.local_start.date().isoformat()
    page.goto(f"{page.url}?week={week_of_taken}")

    # A free slot, chosen in the week view, fills in the form; booking it confirms.
    day_label = taken.local_start.strftime("%-d %b")
    day = main.locator("section.day", has_text=day_label)
    day.get_by_role("link", name="Book 10:00").click()
    assert main.get_by_label("Starts at").input_value() == "10:00"
    main.get_by_label("Duration").select_option("60")
    main.get_by_label("What for").fill("Investor call")
    main.get_by_role("button", name="Book").click()
    assert "is booked" in main.inner_text()
    booking = Booking.objects.get(company=resident_admin.company)
    assert booking.local_start.hour == 10
    if shots:
        page.screenshot(path=f"{shots}/booking-confirmed.png", full_page=True)

    # The week shows it as ours; the other company's booking as taken, not bookable.
    page.goto(f"{live_server.url}/my/bookings/resources/{room.pk}/?week={week_of_taken}")
    day = main.locator("section.day", has_text=day_label)
    assert day.locator("a.slot.ours").count() == 2  # 10:00 and 10:30
    assert day.locator("span.slot.taken").count() == 4  # 14:00 to 16:00
    if shots:
        page.screenshot(path=f"{shots}/booking-week.png", full_page=True)

    # An overlap typed by hand is refused, saying why, and what was typed stays.
    main.get_by_label("Date").fill(week_of_taken)
    main.get_by_label("Starts at").fill("15:00")
    main.get_by_label("What for").fill("Board meeting")
    main.get_by_role("button", name="Book").click()
    assert "is already booked from 14:00 to 16:00" in main.inner_text()
    assert main.get_by_label("What for").input_value() == "Board meeting"

    # Cancelling frees the slot.
    page.goto(f"{live_server.url}/my/bookings/{booking.pk}/")
    main.get_by_role("button", name="Cancel the booking").click()
    assert "is cancelled" in main.inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED

    # On a phone, in Chinese, the days stack and nothing runs off the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/zh-hans/my/bookings/resources/{room.pk}/?week={week_of_taken}")
    assert "会议室 A-402" in main.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    if shots:
        page.screenshot(path=f"{shots}/booking-week-phone-zh.png", full_page=True)
