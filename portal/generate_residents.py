"""The generated campuses after move-in: leases, a year of invoices and payments, people, bookings.

Part of ``portal.generate`` (same seed, same anchor, same rows). Rows are written as the services
would leave them: a lease covers its company's current allocation over the allocation's term; a
month's invoice holds the rent and service charge lines ``residents.rent.lease_month_amounts``
works out for it, numbered from the campus's ``InvoiceSequence``; a paid invoice has a payment of
its total allocated to it; bookings of a resource never overlap and lie within its opening hours.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from campus.choices import SpaceKind
from campus.models import Allocation
from residents.choices import BookingStatus, InvoiceKind, LeaseState, MemberRole, ResourceKind
from residents.models import (
    Booking,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    Lease,
    Membership,
    OpeningHours,
    Payment,
    PaymentAllocation,
    Resource,
)
from residents.rent import HUNDRED, LineKind, add_months, lease_month_index, month_bounds, to_fen

MONTHS_BILLED = 12
RENT_TAX, SERVICE_TAX = Decimal("9"), Decimal("6")
PEOPLE_ROLES = [MemberRole.ADMIN, MemberRole.FINANCE, MemberRole.MEMBER, MemberRole.MEMBER]
ROOMS_PER_CAMPUS, INSTRUMENTS_PER_CAMPUS = 6, 4
#: Opening hours: (opens, closes, weekdays) by kind of resource.
HOURS = {
    ResourceKind.ROOM: (dt.time(7), dt.time(21), range(5)),
    ResourceKind.EQUIPMENT: (dt.time(8), dt.time(22), range(7)),
}
BOOKED_BACK, BOOKED_AHEAD = dt.timedelta(days=182), dt.timedelta(days=28)


def _copy(model, rows: list) -> list:
    """Write many unsaved rows at once, their primary keys set: by COPY on PostgreSQL (several
    times faster than INSERT for the half million invoice lines), else with ``bulk_create``.
    Rows are written as they are: automatic timestamps are set here, defaults by the model."""
    from .generate import _bulk

    if connection.vendor != "postgresql" or not rows:
        return _bulk(model, rows)
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, len(rows)]
        )
        for row, (pk_value,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk_value
            for field in stamped:
                setattr(row, field.attname, now)
        columns = ", ".join(connection.ops.quote_name(c) for c in [pk, *(f.column for f in fields)])
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.pk, *(getattr(row, f.attname) for f in fields)])
    return rows


def lease_allocations(rnd: random.Random, *, anchor: dt.date, residents: list, spaces: list, buildings: list) -> list:
    """One allocation per resident on a space of its campus, over the term its lease will have
    (most run now, some end within 90 days, a tenth ended in the last ten months)."""
    campus_of_building = {b.pk: b.campus_id for b in buildings}
    free: dict[int, list] = defaultdict(list)
    for space in spaces:
        free[campus_of_building[space.building.pk]].append(space)
    allocations = []
    for company in residents:
        if not free[company.campus_id]:
            continue  # more residents than spaces on the campus: the rest have no lease
        space = free[company.campus_id].pop(0)
        roll = rnd.random()
        if roll < 0.8:
            ends = anchor + dt.timedelta(days=rnd.randint(91, 1000))
        elif roll < 0.9:
            ends = anchor + dt.timedelta(days=rnd.randint(0, 90))
        else:
            ends = anchor - dt.timedelta(days=rnd.randint(1, 300))
        starts = min(ends, anchor) - dt.timedelta(days=rnd.randint(365, 1200))
        allocations.append(
            Allocation(space=space, company=company, starts_on=starts, ends_on=ends, area_m2=space.area_m2)
        )
    return allocations


def after_move_in(
    rnd: random.Random, *, anchor: dt.date, now: dt.datetime, n, campuses: list, spaces: list, leased: list, log
) -> None:
    """Leases of the residents' allocations, their invoices and payments, people, resources, bookings."""
    from .generate import _bulk, _through

    leases = _bulk(Lease, [_lease(rnd, allocation, anchor) for allocation in leased])
    _through(Lease.allocations, [(lease.pk, a.pk) for lease, a in zip(leases, leased, strict=True)])
    n.leases = len(leases)
    n.invoices = _invoices(rnd, leases, leased, anchor=anchor, campuses=campuses)
    log(f"{n.leases} leases, {n.invoices} invoices")
    n.people, people = _people(rnd, leases, now=now)
    log(f"{n.people} people")
    leased_spaces = {a.space.pk for a in leased}
    rooms: dict[int, list] = defaultdict(list)  # campus → its meeting rooms, those no lease holds first
    for space in sorted(spaces, key=lambda s: (s.pk in leased_spaces, s.pk)):
        if space.kind == SpaceKind.MEETING_ROOM:
            rooms[space.building.campus_id].append(space)
    resources = _resources(campuses, rooms)
    n.resources = len(resources)
    n.bookings = _bookings(rnd, resources=resources, campuses=campuses, people=people, leases=leases, n=n, now=now)
    log(f"{n.resources} resources, {n.bookings} bookings")


def _lease(rnd: random.Random, allocation: Allocation, anchor: dt.date) -> Lease:
    if allocation.ends_on < anchor:
        state = LeaseState.ENDED
    elif allocation.ends_on <= anchor + dt.timedelta(days=90):
        state = LeaseState.ENDING
    else:
        state = LeaseState.ACTIVE
    rent = Decimal(rnd.randrange(60, 180))
    return Lease(
        company=allocation.company,
        campus_id=allocation.company.campus_id,
        starts_on=allocation.starts_on,
        ends_on=allocation.ends_on,
        state=state,
        rent_rate=rent,
        service_charge_rate=Decimal(rnd.randrange(10, 30)),
        deposit=rent * allocation.area_m2 * 3,
        rent_tax_percent=RENT_TAX,
        service_tax_percent=SERVICE_TAX,
    )


def _month_lines(lease: Lease, area: Decimal, period: dt.date) -> list[InvoiceLine]:
    """Rent and service charge of the month, as ``lease_month_amounts`` works them out for one
    allocation over the whole term, no escalation and no subsidy: the rent in one line per lease
    year the month touches, the service charge in one."""
    first, last = month_bounds(period)
    start, end = max(first, lease.starts_on), min(last, lease.ends_on)
    year = lease_month_index(lease.starts_on, start) // 12
    anniversary = add_months(lease.starts_on, 12 * (year + 1))
    runs = [(start, anniversary - dt.timedelta(days=1)), (anniversary, end)] if anniversary <= end else [(start, end)]
    parts = [(LineKind.RENT, lease.rent_rate.amount, lease.rent_tax_percent, run) for run in runs]
    parts.append((LineKind.SERVICE_CHARGE, lease.service_charge_rate.amount, lease.service_tax_percent, (start, end)))
    lines = []
    for position, (kind, rate, tax_percent, (run_start, run_end)) in enumerate(parts, start=1):
        days = (run_end - run_start).days + 1
        net = to_fen(area * rate * days / last.day)
        lines.append(
            InvoiceLine(
                position=position,
                kind=kind,
                first_day=run_start,
                last_day=run_end,
                days=days,
                days_in_month=last.day,
                area_m2=area,
                rate=rate,
                net=net,
                tax_percent=tax_percent,
                tax=to_fen(net * tax_percent / HUNDRED),
            )
        )
    return lines


def _invoices(rnd: random.Random, leases: list, leased: list, *, anchor: dt.date, campuses: list) -> int:
    """Each lease's invoices for the last twelve months it ran (the anchor's month included),
    issued on the 1st; most paid by a payment of their total, the latest ones often still open."""
    from .generate import _bulk

    periods = [month_bounds(anchor)[0]]
    while len(periods) < MONTHS_BILLED:
        periods.insert(0, month_bounds(periods[0] - dt.timedelta(days=1))[0])
    terms = {c.pk: c.payment_terms_days for c in campuses}
    prefix = {c.pk: c.invoice_prefix for c in campuses}
    last_number: dict[tuple[int, int], int] = defaultdict(int)
    invoices, lines = [], []
    for period in periods:  # numbered month by month, as issued
        for lease, allocation in zip(leases, leased, strict=True):
            if lease.starts_on > month_bounds(period)[1] or lease.ends_on < period:
                continue
            month = _month_lines(lease, allocation.area_m2, period)
            net, tax = sum(line.net for line in month), sum(line.tax for line in month)
            key = (lease.campus_id, period.year)
            last_number[key] += 1
            invoices.append(
                Invoice(
                    campus_id=lease.campus_id,
                    company_id=lease.company_id,
                    lease=lease,
                    kind=InvoiceKind.INVOICE,
                    period=period,
                    prefix=prefix[lease.campus_id],
                    year=period.year,
                    number=last_number[key],
                    issued_on=period,
                    due_on=period + dt.timedelta(days=terms[lease.campus_id]),
                    net=net,
                    tax=tax,
                    total=net + tax,
                )
            )
            lines.append(month)
    paid = _paid(rnd, invoices, anchor=anchor)
    invoices = _copy(Invoice, invoices)
    for invoice, month in zip(invoices, lines, strict=True):
        for line in month:
            line.invoice = invoice
    _copy(InvoiceLine, [line for month in lines for line in month])
    _bulk(
        InvoiceSequence,
        [InvoiceSequence(campus_id=c, year=y, last_number=number) for (c, y), number in sorted(last_number.items())],
    )
    _payments(paid)
    return len(invoices)


def _paid(rnd: random.Random, invoices: list, *, anchor: dt.date) -> list[tuple]:
    """The invoices paid in full by a transfer between issue and a little after the due date, with
    the day it came; the older an invoice, the likelier it is paid (what stays unpaid past its due
    date is overdue). A paid invoice is settled that day (``Invoice.settled_on``, as
    ``residents.services.payments`` keeps it); the rest stay owed."""
    paid = []
    for invoice in invoices:
        age = (anchor - invoice.issued_on).days
        chance = 0.3 if age < 20 else 0.75 if age < 50 else 0.97
        if rnd.random() >= chance:
            continue
        received = invoice.issued_on + dt.timedelta(days=rnd.randint(1, 25))
        if received > anchor:
            continue
        invoice.settled_on = received
        paid.append((invoice, received))
    return paid


def _payments(paid: list[tuple]) -> None:
    """The payments of the invoices ``_paid`` chose (written after them: they name their rows)."""
    payments = _copy(
        Payment,
        [
            Payment(
                campus_id=invoice.campus_id,
                company_id=invoice.company_id,
                received_on=received,
                amount=invoice.total,
                reference=invoice.display_number,
            )
            for invoice, received in paid
        ],
    )
    _copy(
        PaymentAllocation,
        [
            PaymentAllocation(payment=payment, invoice=invoice, amount=invoice.total)
            for payment, (invoice, _received) in zip(payments, paid, strict=True)
        ],
    )


def _people(rnd: random.Random, leases: list, *, now: dt.datetime) -> tuple[int, dict[int, list]]:
    """2–4 accounts per leased company, numbered from ``gen-user-000001``, the first company with
    a running lease first (its admin is ``gen-user-000001``). One password hash for all."""
    from .generate import _bulk

    User = get_user_model()
    password = make_password("generated-person")
    first = next((lease for lease in leases if lease.state == LeaseState.ACTIVE), leases[0] if leases else None)
    ordered = [first, *(lease for lease in leases if lease is not first)] if first else []
    users, companies, roles = [], [], []
    for lease in ordered:
        for role in PEOPLE_ROLES[: rnd.randint(2, 4)]:
            number = len(users) + 1
            users.append(
                User(
                    username=f"gen-user-{number:06d}",
                    email=f"person-{number:06d}@company.example.com",
                    first_name=f"Person {number:06d}",
                    last_name=rnd.choice(["Li", "Wang", "Zhang", "Smith", "Chen", "Müller"]),
                    password=password,
                    date_joined=now,
                )
            )
            companies.append(lease.company_id)
            roles.append(role)
    users = _bulk(User, users)
    _bulk(
        Membership,
        [
            Membership(user=user, company_id=company, role=role, language="en", joined_at=now)
            for user, company, role in zip(users, companies, roles, strict=True)
        ],
    )
    people: dict[int, list] = defaultdict(list)
    for user, company in zip(users, companies, strict=True):
        people[company].append(user.pk)
    return len(users), people


def _resources(campuses: list, rooms_by_campus: dict[int, list]) -> list:
    from .generate import _bulk

    resources = []
    for campus in campuses:
        rooms = rooms_by_campus.get(campus.pk, [])
        for j in range(ROOMS_PER_CAMPUS):
            resources.append(
                Resource(
                    campus=campus,
                    kind=ResourceKind.ROOM,
                    name=f"Meeting room {j + 1:02d}",
                    space_id=rooms[j].pk if j < len(rooms) else None,
                    capacity=6 + 2 * j,
                    max_minutes=240,
                )
            )
        for j in range(INSTRUMENTS_PER_CAMPUS):
            resources.append(
                Resource(
                    campus=campus,
                    kind=ResourceKind.EQUIPMENT,
                    name=f"Instrument {j + 1:02d}",
                    location="Core facility, level 2",
                    approval_required=j % 2 == 1,
                    max_minutes=240,
                )
            )
    resources = _bulk(Resource, resources)
    _bulk(
        OpeningHours,
        [
            OpeningHours(resource=resource, weekday=day, opens=opens, closes=closes)
            for resource in resources
            for opens, closes, weekdays in [HOURS[resource.kind]]
            for day in weekdays
        ],
    )
    return resources


def _bookings(rnd: random.Random, *, resources: list, campuses: list, people: dict, leases: list, n, now) -> int:
    """The set's bookings, shared out over the resources; the first resource of each campus (its
    lowest pk) gets half as many again as the others."""

    campus_of = {lease.company_id: lease.campus_id for lease in leases}
    bookers: dict[int, list] = defaultdict(list)  # campus → (company, its people), gen-user-000001's first
    for company, persons in people.items():
        bookers[campus_of[company]].append((company, persons))
    per_campus = ROOMS_PER_CAMPUS + INSTRUMENTS_PER_CAMPUS
    weights = [3 if i % per_campus == 0 else 2 for i in range(len(resources))]
    zones = {c.pk: zoneinfo.ZoneInfo(c.time_zone) for c in campuses}
    total, given = sum(weights), 0
    rows = []
    for resource, weight in zip(resources, weights, strict=True):
        quota = (n.bookings * (given + weight)) // total - (n.bookings * given) // total
        given += weight
        if bookers[resource.campus_id]:
            zone, campus_bookers = zones[resource.campus_id], bookers[resource.campus_id]
            rows += _resource_bookings(rnd, resource, zone, campus_bookers, quota, now)
    _copy(Booking, rows)
    return len(rows)


def _resource_bookings(rnd: random.Random, resource, zone, bookers: list, quota: int, now: dt.datetime) -> list:
    """``quota`` bookings of one resource spread evenly over its open days, each day's bookings
    disjoint runs of 30-minute slots (at most 4 hours); the first company of the campus books a fifth."""
    today = now.astimezone(zone).date()
    opens, closes, weekdays = HOURS[resource.kind]
    days = [
        today - BOOKED_BACK + dt.timedelta(days=i)
        for i in range((BOOKED_BACK + BOOKED_AHEAD).days)
        if (today - BOOKED_BACK + dt.timedelta(days=i)).weekday() in weekdays
    ]
    slots = (closes.hour - opens.hour) * 2
    rows = []
    for d, day in enumerate(days):
        count = min(slots // 2, (quota * (d + 1)) // len(days) - (quota * d) // len(days))
        cuts = sorted(rnd.sample(range(slots + 1), 2 * count))
        day_open = dt.datetime.combine(day, opens, tzinfo=zone)
        for first, last in zip(cuts[::2], cuts[1::2], strict=True):
            company, persons = bookers[0] if rnd.random() < 0.2 else rnd.choice(bookers)
            starts = day_open + dt.timedelta(minutes=30 * first)
            ends = day_open + dt.timedelta(minutes=30 * min(last, first + 8))
            rows.append(_booking(rnd, resource, company, rnd.choice(persons), starts, ends, now))
    return rows


def _booking(rnd: random.Random, resource, company: int, person: int, starts, ends, now) -> Booking:
    """As the booking service leaves it: confirmed, or waiting for staff (future, approval
    required), declined by staff, or cancelled by the person before it began."""
    status, cancelled_at, cancelled_by = BookingStatus.CONFIRMED, None, None
    roll = rnd.random()
    if roll < 0.08:
        status, cancelled_at, cancelled_by = BookingStatus.CANCELLED, starts - dt.timedelta(hours=30), person
    elif resource.approval_required and ends > now and roll < 0.5:
        status = BookingStatus.REQUESTED
    elif resource.approval_required and roll < 0.12:
        status = BookingStatus.DECLINED
    return Booking(
        resource=resource,
        company_id=company,
        booked_by_id=person,
        starts_at=starts,
        ends_at=ends,
        status=status,
        price_per_hour=resource.price_per_hour,
        cancelled_at=cancelled_at,
        cancelled_by_id=cancelled_by,
        reason="Plans changed." if cancelled_at else "",
        created_at=min(now, starts) - dt.timedelta(days=rnd.randint(1, 14)),
    )
