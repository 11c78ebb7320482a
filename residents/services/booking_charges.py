"""Bookings of priced rooms and instruments as lines of the company's next invoice.

A booking is charged once, when all of these hold at the moment an invoice of its company is
written: it is confirmed (so never a cancelled or declined one, whoever cancelled it), its price per
hour when booked is above zero, it ended before the day the invoice is issued (campus time), and no
invoice line bills it yet (``Booking.invoice_line``). A confirmed booking nobody checked in to (a
no-show) is charged like any other.

``invoices._write`` asks for the lines under the campus's numbering lock, which every writer of the
campus's invoices takes, and marks the bookings billed in the same transaction: a second run, or a
second lease of the same company, finds them billed. A company's bookings go on the first of its
invoices written in a run (its leases are written in order of their ids).

One line per booking: "<resource> · <local date> <HH:MM>–<HH:MM> (<hours> h)", at the price per
hour, taxed at the resource's tax rate, rounded to the fen as ``residents.rent`` rounds.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from djmoney.money import Money

from campus.models import Campus

from ..models import Booking
from ..rent import HUNDRED, LineKind, MonthLine, to_fen

#: The currency resources are priced in (``Resource.price_per_hour``).
BOOKING_CURRENCY = "CNY"


def bookings_to_charge(campus: Campus, company_ids, today: dt.date) -> dict[int, list[Booking]]:
    """Per company, its chargeable bookings on ``campus`` that ended before ``today`` began there,
    locked until the transaction ends; one query."""
    cutoff = dt.datetime.combine(today, dt.time(), tzinfo=campus.tz)
    bookings = (
        Booking.objects.chargeable()
        .filter(company_id__in=company_ids, resource__campus=campus, ends_at__lte=cutoff)
        .select_for_update(of=("self",))
        .select_related("resource")
        .order_by("starts_at", "pk")
    )
    charged: dict[int, list[Booking]] = {}
    for booking in bookings:
        booking.resource.campus = campus  # read in campus time without asking again
        charged.setdefault(booking.company_id, []).append(booking)
    return charged


def booking_line(booking: Booking) -> MonthLine:
    """The invoice line of one booking."""
    start, end = booking.local_start, booking.local_end
    hours = booking.hours
    net = to_fen(booking.price_per_hour * hours)
    tax_percent = booking.resource.tax_percent
    shown_hours = f"{hours.quantize(Decimal('0.01')).normalize():f}"
    description = f"{booking.resource.name} · {start:%Y-%m-%d} {start:%H:%M}–{end:%H:%M} ({shown_hours} h)"
    return MonthLine(
        kind=LineKind.BOOKING,
        first_day=start.date(),
        last_day=start.date(),
        days=None,
        days_in_month=None,
        area_m2=None,
        rate=Money(booking.price_per_hour, BOOKING_CURRENCY),
        percent=None,
        net=Money(net, BOOKING_CURRENCY),
        tax_percent=tax_percent,
        tax=Money(to_fen(net * tax_percent / HUNDRED), BOOKING_CURRENCY),
        description=description[:300],
    )


def with_booking_lines(campus: Campus, drafts: list, today: dt.date) -> tuple[list, list[tuple[int, int, Booking]]]:
    """The drafts (lease, lines) with each company's chargeable bookings added to the lines of its
    first lease billed in CNY (the resources' currency), and where each booking went: (index of the
    draft, position of its line, booking)."""
    in_currency = [lease.rent_rate.currency.code == BOOKING_CURRENCY for lease, _lines in drafts]
    companies = {lease.company_id for (lease, _lines), same in zip(drafts, in_currency, strict=True) if same}
    charged = bookings_to_charge(campus, companies, today) if companies else {}
    placed: list[tuple[int, int, Booking]] = []
    result = []
    for index, (lease, lines) in enumerate(drafts):
        bookings = charged.pop(lease.company_id, []) if in_currency[index] else []
        extra = [booking_line(booking) for booking in bookings]
        placed += [(index, len(lines) + offset, booking) for offset, booking in enumerate(bookings, start=1)]
        result.append((lease, [*lines, *extra]))
    return result, placed


def bookings_mark_billed(placed: list[tuple[int, int, Booking]], lines_by_place: dict[tuple[int, int], int]) -> None:
    """Point each booking at the invoice line that bills it (one query)."""
    for index, position, booking in placed:
        booking.invoice_line_id = lines_by_place[(index, position)]
    Booking.objects.bulk_update([booking for _index, _position, booking in placed], ["invoice_line"])
