"""A large, reproducible campus-network data set for load and query-plan measurements.

Everything derives from one seed and one anchor date, so two runs with the same arguments write
the same rows. Rows go in with ``bulk_create`` in batches (no per-row signals or history rows), the
largest tables by COPY on PostgreSQL (``portal.generate_residents``), which loads the full set
(about 2.5 million rows) in about five minutes on PostgreSQL.

At scale 1: 10 campuses, 2,000 buildings, 20,000 spaces, 100,000 companies (20,000 residents),
100,000 applications, 50,000 allocations, about 19,700 leases (a resident's current space; 79%
active, 11% ending, 10% ended), about 228,000 monthly invoices over the last 12 months with 473,000
lines and 217,000 payments (about 10,700 invoices unpaid: the anchor month's open, older ones
overdue), about 59,000 people (2–4 per leased company), 100 bookable resources (6 meeting rooms
and 4 instruments per campus, with opening hours) and 100,000 bookings from six months back to
four weeks ahead; 200 partners, 10,000 referrals, 100,000 webhook deliveries.

A typical resident, for measurements: the user ``gen-user-000001`` (the first account written,
so pk 1 on a fresh database) is the admin of the first company in slug order with an active lease,
which has 12 invoices, payments and about 2,000 bookings. The resource booked most is the first
resource (lowest pk, "Meeting room 01") of each campus; the one of that user's campus is the
week view to measure. The building to measure the space timeline with is the building of that
company's leased space (``Lease.objects.get(company=<its company>).allocations`` → space → building).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campus.choices import BiosafetyLevel, PlatformStages, SpaceKind
from campus.models import Allocation, Building, BusinessArea, Campus, Gas, Space
from partners.choices import Attribution, DeliveryState, PartnerKind, Relationship
from partners.models import Partner, Referral, WebhookDelivery, WebhookEndpoint
from tenants.choices import UNDECIDED, ApplicationStatus, CompanySize, CompanyStatus
from tenants.models import (
    Application,
    ApplicationContact,
    ApplicationTransition,
    Company,
    FocusArea,
    IntakeBatch,
)

from .generate_residents import after_move_in, lease_allocations

SLUG_PREFIX = "gen-"
BATCH = 5000

# The full set; ``scale`` multiplies every count.
FULL = {
    "campuses": 10,
    "buildings": 2000,
    "spaces": 20000,
    "companies": 100000,
    "residents": 20000,
    "allocations": 50000,
    "partners": 200,
    "referrals": 10000,
    "deliveries": 100000,
    "resources": 100,
    "bookings": 100000,
}

COUNTRIES = ["CN", "GB", "US", "SE", "DE", "HK", "RU", "IN", "JP", "SG", "FR", "CH", "KR", "IL", "CA", "AU"]
WORDS = [
    "Bio", "Gene", "Cell", "Thera", "Medi", "Onco", "Neuro", "Cardio", "Immuno", "Vita", "Pharma", "Diag",
    "Nova", "Helix", "Lumen", "Apex", "Sino", "Orient", "Pacific", "Lake", "Tai", "Jiang", "Sun", "Star",
]  # fmt: skip
SUFFIXES = ["Therapeutics", "Diagnostics", "Biotech", "Medical", "Sciences", "Labs", "Health", "Devices"]

# How the applications of the set are spread over the workflow, in thousandths.
STATUS_SPREAD = [
    (ApplicationStatus.DRAFT, 150),
    (ApplicationStatus.SUBMITTED, 100),
    (ApplicationStatus.SCREENING, 80),
    (ApplicationStatus.COMMITTEE_REVIEW, 70),
    (ApplicationStatus.REJECTED, 300),
    (ApplicationStatus.WITHDRAWN, 100),
    (ApplicationStatus.APPROVED, 200),
]
PATH = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SCREENING,
    ApplicationStatus.COMMITTEE_REVIEW,
]


@dataclass
class Counts:
    campuses: int
    buildings: int
    spaces: int
    companies: int
    residents: int
    allocations: int
    partners: int
    referrals: int
    deliveries: int
    resources: int
    bookings: int
    # Follow from the residents: a lease each, its months' invoices, 2–4 people each.
    leases: int = 0
    invoices: int = 0
    people: int = 0

    @classmethod
    def scaled(cls, scale: float) -> Counts:
        return cls(**{name: max(1, round(value * scale)) for name, value in FULL.items()})


def already_generated() -> bool:
    return Campus.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def _bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _through(field, rows: list[tuple[int, int]]) -> None:
    """Insert many-to-many pairs (owner id, target id) through the field's join table."""
    through = field.through
    source = field.field.m2m_field_name() + "_id"
    target = field.field.m2m_reverse_field_name() + "_id"
    through.objects.bulk_create([through(**{source: a, target: b}) for a, b in rows], batch_size=BATCH)


@transaction.atomic
def generate(*, seed: int = 1, scale: float = 1.0, anchor: dt.date | None = None, log=print) -> Counts:
    """Write the data set; refuses to write it twice into one database."""
    if already_generated():
        raise RuntimeError("This database already holds a generated data set; use a fresh database.")
    rnd = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets
    anchor = anchor or timezone.localdate()
    now = timezone.make_aware(dt.datetime.combine(anchor, dt.time(12)))
    n = Counts.scaled(scale)
    n.residents = min(n.residents, n.companies)
    n.allocations = max(n.allocations, 1)

    business_codes = dict(BusinessArea.objects.order_by("position").values_list("pk", "code"))
    focus_codes = dict(FocusArea.objects.order_by("position").values_list("pk", "code"))
    business_areas, focus_areas = list(business_codes), list(focus_codes)
    gas_codes = dict(Gas.objects.order_by("position").values_list("pk", "code"))
    gases = list(gas_codes)
    stages = [value for value, _ in PlatformStages.choices]

    # Campuses, batches, buildings, spaces.
    campuses = _bulk(
        Campus,
        [
            Campus(
                slug=f"{SLUG_PREFIX}campus-{i:02d}",
                name=f"Innovation Campus {i:02d}",
                name_zh_hans=f"创新园区 {i:02d}",
                city=rnd.choice(["Wuxi", "Suzhou", "Shanghai", "Hangzhou", "Nanjing"]),
                country="CN",
                rd_area_m2=300000,
                opened_on=anchor - dt.timedelta(days=365 * 5),
                # A month's invoice is due after the month's last day: on any day some are open, some overdue.
                payment_terms_days=30,
            )
            for i in range(1, n.campuses + 1)
        ],
    )
    _through(Campus.business_areas, [(c.pk, b) for c in campuses for b in business_areas])
    batches = _bulk(
        IntakeBatch,
        [
            IntakeBatch(campus=c, name=f"Batch {year}", signed_on=dt.date(year, 9, 20))
            for c in campuses
            for year in range(anchor.year - 4, anchor.year + 1)
        ],
    )
    batches_by_campus: dict[int, list[IntakeBatch]] = {}
    for b in batches:
        batches_by_campus.setdefault(b.campus_id, []).append(b)
    buildings = _bulk(
        Building,
        [
            Building(
                campus=campuses[i % n.campuses],
                code=f"B{i:04d}",
                name=f"Building {i:04d}",
                floors=rnd.randint(3, 12),
                gross_floor_area_m2=rnd.randint(5000, 40000),
            )
            for i in range(n.buildings)
        ],
    )
    kinds = [value for value, _ in SpaceKind.choices]
    spaces = [
        Space(
            building=buildings[i % n.buildings],
            code=f"S{i:05d}",
            floor=rnd.randint(1, 10),
            kind=rnd.choice(kinds),
            area_m2=Decimal(rnd.randrange(20, 2000)),
            biosafety_level=rnd.choice(["", "", BiosafetyLevel.BSL1, BiosafetyLevel.BSL2]),
            fume_hoods=rnd.randint(0, 6),
            has_cold_room=rnd.random() < 0.2,
        )
        for i in range(n.spaces)
    ]
    space_gases = [rnd.sample(gases, rnd.randint(0, 2)) for _space in spaces]
    for space, picked in zip(spaces, space_gases, strict=True):
        space.gas_codes = [gas_codes[pk] for pk in sorted(picked, key=gases.index)]  # as Space.refresh_lookup_codes
    spaces = _bulk(Space, spaces)
    _through(Space.gases, [(s.pk, g) for s, picked in zip(spaces, space_gases, strict=True) for g in picked])
    log(f"{n.campuses} campuses, {n.buildings} buildings, {n.spaces} spaces")

    # Companies (the first ``residents`` of them resident) and one application each.
    companies = []
    resident_at = set(rnd.sample(range(n.companies), n.residents))  # residents among all ages of rows
    for i in range(n.companies):
        resident = i in resident_at
        campus = campuses[rnd.randrange(n.campuses)]
        name = f"{rnd.choice(WORDS)}{rnd.choice(WORDS).lower()} {rnd.choice(SUFFIXES)} {i:06d}"
        areas = sorted(rnd.sample(business_areas, rnd.randint(1, 2)), key=business_areas.index)
        focus = sorted(rnd.sample(focus_areas, rnd.randint(1, 2)), key=focus_areas.index)
        companies.append(
            Company(
                business_area_codes=[business_codes[pk] for pk in areas],
                focus_area_codes=[focus_codes[pk] for pk in focus],
                campus=campus,
                name=name,
                name_zh=f"{name} 公司" if rnd.random() < 0.3 else "",
                slug=f"{SLUG_PREFIX}{i:06d}",
                country=rnd.choice(COUNTRIES),
                website=f"https://company-{i:06d}.example.com",
                founded_year=rnd.randint(1990, anchor.year),
                size=rnd.choice([value for value, _ in CompanySize.choices]),
                description=f"{name} develops products for precision medicine.",
                platform_stage=rnd.choice(stages),
                status=CompanyStatus.RESIDENT if resident else CompanyStatus.APPLICANT,
                resident_since=anchor - dt.timedelta(days=rnd.randint(30, 1500)) if resident else None,
                intake_batch=rnd.choice(batches_by_campus[campus.pk]) if resident else None,
            )
        )
    companies = _bulk(Company, companies)
    # The join rows, from the codes each company was given above.
    business_pk = {code: pk for pk, code in business_codes.items()}
    focus_pk = {code: pk for pk, code in focus_codes.items()}
    _through(Company.business_areas, [(c.pk, business_pk[code]) for c in companies for code in c.business_area_codes])
    _through(Company.focus_areas, [(c.pk, focus_pk[code]) for c in companies for code in c.focus_area_codes])
    log(f"{n.companies} companies ({n.residents} residents)")

    spread = [status for status, weight in STATUS_SPREAD for _ in range(weight)]
    applications = []
    for company in companies:
        status = ApplicationStatus.APPROVED if company.status == CompanyStatus.RESIDENT else rnd.choice(spread)
        submitted = None
        decided = None
        if status != ApplicationStatus.DRAFT:
            submitted = now - dt.timedelta(days=rnd.randint(1, 1500), minutes=rnd.randint(0, 1440))
            if status not in UNDECIDED:
                decided = submitted + dt.timedelta(days=rnd.randint(5, 120))
        applications.append(
            Application(
                campus_id=company.campus_id,
                company=company,
                status=status,
                intake_batch=rnd.choice(batches_by_campus[company.campus_id]),
                platform_stage=company.platform_stage,
                space_kind=rnd.choice(kinds),
                space_area_m2=Decimal(rnd.randrange(20, 1000)),
                submitted_at=submitted,
                decided_at=decided,
            )
        )
    applications = _bulk(Application, applications)
    _bulk(
        ApplicationContact,
        [
            ApplicationContact(
                application=a,
                name=f"Contact {i:06d}",
                email=f"contact-{i:06d}@company-{i:06d}.example.com",
                is_primary=True,
            )
            for i, a in enumerate(applications)
        ],
    )
    transitions = []
    for a in applications:
        if a.submitted_at is None:
            continue
        steps = PATH[: rnd.randint(1, 3)] if a.decided_at else PATH[: PATH.index(a.status) + 1]
        when = a.submitted_at
        previous = ApplicationStatus.DRAFT
        for step in steps:
            transitions.append(
                ApplicationTransition(application=a, from_status=previous, to_status=step, created_at=when)
            )
            previous = step
            when += dt.timedelta(days=rnd.randint(1, 10))
        if a.decided_at:
            transitions.append(
                ApplicationTransition(application=a, from_status=previous, to_status=a.status, created_at=a.decided_at)
            )
    _bulk(ApplicationTransition, transitions)
    log(f"{len(applications)} applications with {len(transitions)} status changes")

    # Allocations: each resident's current space (the one its lease covers, on its own campus), then
    # the earlier tenancies of every space, back to back before it, never overlapping.
    residents = [c for c in companies if c.status == CompanyStatus.RESIDENT]
    leased = lease_allocations(rnd, anchor=anchor, residents=residents, spaces=spaces, buildings=buildings)
    busy_from = {s.pk: anchor - dt.timedelta(days=rnd.randint(0, 200)) for s in spaces}
    for allocation in leased:
        busy_from[allocation.space.pk] = allocation.starts_on
    allocations = list(leased)
    for i in range(max(0, n.allocations - len(leased))):
        space = spaces[i % n.spaces]
        ends = busy_from[space.pk] - dt.timedelta(days=rnd.randint(1, 60))
        starts = ends - dt.timedelta(days=rnd.randint(180, 900))
        allocations.append(
            Allocation(
                space=space,
                company=residents[rnd.randrange(len(residents))],
                starts_on=starts,
                ends_on=ends,
                area_m2=space.area_m2,
            )
        )
        busy_from[space.pk] = starts
    _bulk(Allocation, allocations)
    log(f"{len(allocations)} allocations")
    after_move_in(rnd, anchor=anchor, now=now, n=n, campuses=campuses, spaces=spaces, leased=leased, log=log)

    # Partners, referrals, webhook endpoints and deliveries.
    partners = _bulk(
        Partner,
        [
            Partner(
                slug=f"{SLUG_PREFIX}partner-{i:03d}",
                name=f"Partner Organisation {i:03d}",
                country=rnd.choice(COUNTRIES),
                kind=rnd.choice([value for value, _ in PartnerKind.choices]),
                relationship=rnd.choice([value for value, _ in Relationship.choices]),
                since=anchor - dt.timedelta(days=rnd.randint(100, 2000)),
            )
            for i in range(n.partners)
        ],
    )
    _through(Partner.campuses, [(p.pk, campuses[i % n.campuses].pk) for i, p in enumerate(partners)])
    referred = rnd.sample(range(len(applications)), min(n.referrals, len(applications)))
    _bulk(
        Referral,
        [
            Referral(
                partner=partners[i % n.partners],
                application=applications[j],
                company_id=applications[j].company_id,
                contact_name=f"Contact {j:06d}",
                contact_email=f"contact-{j:06d}@company-{j:06d}.example.com",
                note="Referred at a partner event.",
                attribution=Attribution.STARTED,
            )
            for i, j in enumerate(referred)
        ],
    )
    endpoints = _bulk(
        WebhookEndpoint,
        [
            WebhookEndpoint(
                partner=p,
                url=f"https://hooks.partner-{i:03d}.example.com/icampus",
                event_types=["referral.status_changed", "company.became_resident"],
                secret=f"whsec_{rnd.getrandbits(160):040x}",
            )
            for i, p in enumerate(partners)
        ],
    )
    states = [DeliveryState.SUCCEEDED] * 18 + [DeliveryState.FAILED]
    deliveries = []
    for i in range(n.deliveries):
        created = now - dt.timedelta(minutes=rnd.randint(1, 60 * 24 * 365))
        state = rnd.choice(states)
        deliveries.append(
            WebhookDelivery(
                endpoint=endpoints[i % len(endpoints)],
                event_id=f"evt_gen_{i:07d}",
                event_type="referral.status_changed",
                payload={"referral": i, "status": "screening"},
                state=state,
                attempts=1 if state == DeliveryState.SUCCEEDED else 8,
                created_at=created,
                delivered_at=created + dt.timedelta(seconds=1) if state == DeliveryState.SUCCEEDED else None,
            )
        )
    _bulk(WebhookDelivery, deliveries)
    log(f"{n.partners} partners, {len(referred)} referrals, {n.deliveries} webhook deliveries")
    return n
