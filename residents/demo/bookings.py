"""Demo bookings: the campus's meeting rooms, two core-facility instruments, trainings, and two weeks of bookings.

The rooms are the demo buildings' meeting-room spaces; the instruments and their prices are
illustrative. Each first-batch resident gets a demo scientist (an account that cannot sign in,
at the never-delivering .example domain) who holds its bookings; the company's admin sees them
after joining. Bookings still to come (this working week's) are made through the booking service; those of the week
before are written as they would stand now (used, or not checked in).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from campus.choices import SpaceKind
from campus.models import Campus, Space
from common.errors import DomainError

from ..choices import BookingStatus, MemberRole, ResourceKind
from ..models import Booking, Membership, OpeningHours, Resource, Training
from ..services.bookings import at, booking_create

WEEKDAYS = range(5)
ROOM_HOURS = [(dt.time(8), dt.time(20))]
#: (name, Chinese name, description, Chinese description, location, price per hour, slot minutes, longest minutes)
INSTRUMENTS = [
    (
        "Next-generation sequencer",
        "高通量测序仪",
        "Short-read sequencer for whole-genome, exome and RNA sequencing runs. Load your own flow cells.",
        "短读长测序仪，用于全基因组、外显子组和转录组测序，请自备流动槽。",
        "Core facility, genomics bay",
        Decimal("600"),
        60,
        600,
    ),
    (
        "High-resolution mass spectrometer",
        "高分辨质谱仪",
        "Orbitrap-class LC-MS for proteomics and metabolite identification, with nano-LC front end.",
        "Orbitrap 级液质联用仪，用于蛋白质组学和代谢物鉴定，配纳升液相。",
        "Core facility, analytical lab",
        Decimal("450"),
        60,
        480,
    ),
]
#: (resource index, weekday offset from Monday, hour, hours long, company index, title)
WEEK = [
    (0, 0, 9, 1, 0, "Weekly team meeting"),
    (1, 0, 14, 2, 1, "Investor call"),
    (2, 1, 10, 2, 2, "Partner workshop"),
    (3, 1, 9, 6, 0, "RNA-seq run"),
    (4, 2, 13, 3, 1, "Proteomics batch"),
    (0, 2, 15, 1, 3, "Interview"),
    (3, 3, 8, 8, 1, "Exome run"),
    (1, 3, 11, 1, 2, "Board meeting"),
    (4, 4, 9, 4, 0, "Metabolite identification"),
    (2, 4, 16, 1, 4, "Friday review"),
]


def _scientist(company):
    email = f"scientist@{slugify(company.name) or company.pk}.example"
    User = get_user_model()
    user = User.objects.filter(username=email).first()
    if user is None:
        user = User.objects.create_user(username=email, email=email, password=None, first_name="Demo scientist")
    Membership.objects.get_or_create(user=user, defaults={"company": company, "role": MemberRole.MEMBER})
    return user


def _hours(resource: Resource, periods, days=WEEKDAYS) -> None:
    for weekday in days:
        for opens, closes in periods:
            OpeningHours.objects.get_or_create(resource=resource, weekday=weekday, opens=opens, closes=closes)


def _resources(campus: Campus) -> list[Resource]:
    rooms = Space.objects.filter(building__campus=campus, kind=SpaceKind.MEETING_ROOM).select_related("building")
    resources = []
    for index, space in enumerate(rooms.order_by("building__code", "code")[:3]):
        room, _created = Resource.objects.get_or_create(
            campus=campus,
            name=f"Meeting room {space}",
            defaults={
                "kind": ResourceKind.ROOM,
                "name_zh": f"会议室 {space}",
                "space": space,
                "capacity": 8 + 4 * index,
                "price_per_hour": Decimal("80") if index == 2 else Decimal("0"),
                "slot_minutes": 30,
                "min_minutes": 30,
                "max_minutes": 240,
            },
        )
        _hours(room, ROOM_HOURS)
        resources.append(room)
    for name, name_zh, text, text_zh, location, price, slot, longest in INSTRUMENTS:
        instrument, _created = Resource.objects.get_or_create(
            campus=campus,
            name=name,
            defaults={
                "kind": ResourceKind.EQUIPMENT,
                "name_zh": name_zh,
                "description": text,
                "description_zh": text_zh,
                "location": location,
                "price_per_hour": price,
                "slot_minutes": slot,
                "min_minutes": slot,
                "max_minutes": longest,
                "horizon_days": 90,
                "cancel_cutoff_hours": 48,
                "training_required": True,
            },
        )
        _hours(instrument, [(dt.time(8), dt.time(22))], days=range(6))
        resources.append(instrument)
    return resources


@transaction.atomic
def seed(campus: Campus, companies) -> list[Booking]:
    """Rooms, instruments, trainings and this week's bookings; a campus with bookings already keeps them."""
    companies = list(companies)
    resources = _resources(campus)
    if not companies or len(resources) < 5 or Booking.objects.filter(resource__campus=campus).exists():
        return []
    people = [_scientist(company) for company in companies]
    today = timezone.localtime(timezone.now(), campus.tz).date()
    for person in people[:3]:
        for instrument in resources[3:]:
            Training.objects.get_or_create(
                resource=instrument,
                user=person,
                defaults={"trained_on": today - dt.timedelta(days=60), "expires_on": today + dt.timedelta(days=305)},
            )
    if len(people) > 3:  # one training lapsed: the page says to renew it
        Training.objects.get_or_create(
            resource=resources[3],
            user=people[3],
            defaults={"trained_on": today - dt.timedelta(days=400), "expires_on": today - dt.timedelta(days=35)},
        )
    # The working week under way (or the next one, at a weekend), and the one before it.
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1 if today.weekday() >= 5 else 0)
    now = timezone.now()
    made = []
    for resource_index, weekday, hour, hours, company_index, title in [
        (*entry[:1], entry[1] + offset, *entry[2:]) for offset in (-7, 0) for entry in WEEK
    ]:
        resource = resources[resource_index]
        person, company = people[company_index % len(people)], companies[company_index % len(companies)]
        starts_at = at(resource, monday + dt.timedelta(days=weekday), dt.time(hour))
        ends_at = starts_at + dt.timedelta(hours=hours)
        if starts_at > now:
            try:
                made.append(
                    booking_create(resource=resource, user=person, starts_at=starts_at, ends_at=ends_at, title=title)
                )
            except DomainError:
                continue
            continue
        used = len(made) % 3 != 2  # every third booking already past was a no-show
        made.append(
            Booking.objects.create(
                resource=resource,
                company=company,
                booked_by=person,
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                status=BookingStatus.CONFIRMED,
                price_per_hour=resource.price_per_hour,
                checked_in_at=starts_at + dt.timedelta(minutes=5) if used and ends_at <= now else None,
                checked_out_at=ends_at - dt.timedelta(minutes=10) if used and ends_at <= now else None,
                created_at=starts_at - dt.timedelta(days=3),
            )
        )
    return made
