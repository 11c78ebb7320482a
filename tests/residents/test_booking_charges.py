"""Bookings of priced rooms and instruments on the company's next invoice: confirmed ones that ended
before the invoice is issued, no-shows included, once whatever runs the job; never a cancelled,
declined or free one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from residents.choices import BookingStatus
from residents.invoice_pdf import invoice_pdf_render
from residents.models import Invoice
from residents.rent import LineKind
from residents.services.invoices import invoices_issue
from tests.residents.leases_setup import leased
from tests.residents.staff_bookings_setup import PRICED, a_resource, booked
from tests.residents.test_invoice_pdf import text_of

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def billed_campus(campus):
    campus.billing_day = 5
    campus.save()
    return campus


def booking_lines(invoice: Invoice) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    return [
        (line.description, line.rate, line.net, line.tax)
        for line in invoice.lines.filter(kind=LineKind.BOOKING).order_by("position")
    ]


def test_confirmed_bookings_that_ended_go_on_the_next_invoice_once(billed_campus, resident_company, resident_member):
    lease = leased(resident_company)
    microscope = a_resource(billed_campus, "Confocal microscope", **PRICED)
    used = booked(microscope, resident_member, D(2026, 2, 10), 9, hours=1.5, checked_in_at=None)
    no_show = booked(microscope, resident_member, D(2026, 3, 2), 14)
    booked(microscope, resident_member, D(2026, 2, 11), 9, status=BookingStatus.CANCELLED)
    booked(microscope, resident_member, D(2026, 2, 12), 9, status=BookingStatus.DECLINED)
    booked(microscope, resident_member, D(2026, 2, 13), 9, status=BookingStatus.REQUESTED)
    booked(a_resource(billed_campus, "Meeting room", price_per_hour=0), resident_member, D(2026, 2, 14), 9)
    later = booked(microscope, resident_member, D(2026, 3, 5), 9)  # the issue day itself: next month

    invoices_issue(today=D(2026, 3, 5))
    invoices_issue(today=D(2026, 3, 5))

    invoice = Invoice.objects.get(lease=lease, period=D(2026, 3, 1))
    assert booking_lines(invoice) == [
        ("Confocal microscope · 2026-02-10 09:00–10:30 (1.5 h)", Decimal("200"), Decimal("300.00"), Decimal("18.00")),
        ("Confocal microscope · 2026-03-02 14:00–15:00 (1 h)", Decimal("200"), Decimal("200.00"), Decimal("12.00")),
    ]
    assert invoice.net == Decimal("12000.00") + Decimal("500.00")
    assert invoice.total == invoice.net + invoice.tax
    for booking in (used, no_show):
        booking.refresh_from_db()
        assert booking.invoice_line.invoice == invoice

    invoices_issue(today=D(2026, 4, 5))
    april = Invoice.objects.get(lease=lease, period=D(2026, 4, 1))
    assert [description for description, *_rest in booking_lines(april)] == [
        "Confocal microscope · 2026-03-05 09:00–10:00 (1 h)"
    ]
    later.refresh_from_db()
    assert later.invoice_line.invoice == april


def test_a_company_with_two_leases_is_charged_once(billed_campus, resident_company, resident_member):
    first, second = leased(resident_company), leased(resident_company, area="50")
    booked(a_resource(billed_campus, **PRICED), resident_member, D(2026, 2, 10), 9)

    invoices_issue(today=D(2026, 3, 5))

    assert len(booking_lines(Invoice.objects.get(lease=first))) == 1
    assert booking_lines(Invoice.objects.get(lease=second)) == []


def test_the_price_when_booked_is_charged_and_the_resources_tax(billed_campus, resident_company, resident_member):
    leased(resident_company)
    room = a_resource(billed_campus, price_per_hour=Decimal("80"), tax_percent=Decimal("9"))
    booked(room, resident_member, D(2026, 2, 10), 9, hours=2, price_per_hour=Decimal("50"))

    invoices_issue(today=D(2026, 3, 5))

    [line] = Invoice.objects.get().lines.filter(kind=LineKind.BOOKING)
    assert (line.rate, line.net, line.tax_percent, line.tax) == (Decimal("50"), Decimal("100.00"), 9, Decimal("9.00"))


def test_the_pdf_and_the_companys_page_show_the_booking_line(billed_campus, resident_company, resident_admin):
    leased(resident_company)
    booked(a_resource(billed_campus, "Confocal microscope", **PRICED), resident_admin, D(2026, 2, 10), 9)
    invoices_issue(today=D(2026, 3, 5))
    invoice = Invoice.objects.get()

    text = text_of(invoice_pdf_render(invoice))
    page = resident_admin.client.get(f"/my/invoices/{invoice.pk}/").content.decode()

    assert "Confocalmicroscope·2026-02-1009:00–10:00(1h)" in text
    assert "Confocal microscope · 2026-02-10 09:00–10:00 (1 h)" in page
    assert "200.00" in page


def test_bookings_wait_for_an_invoice_in_the_resources_currency(billed_campus, resident_company, resident_member):
    dollars = leased(resident_company, currency="USD")
    booking = booked(a_resource(billed_campus, **PRICED), resident_member, D(2026, 2, 10), 9)

    invoices_issue(today=D(2026, 3, 5))

    assert booking_lines(Invoice.objects.get(lease=dollars)) == []
    booking.refresh_from_db()
    assert booking.invoice_line is None
