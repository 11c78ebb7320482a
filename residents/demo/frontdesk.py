"""The front desk's day for the demo: visitors expected today at the first-batch residents, one
of them in the building already, and deliveries waiting (two of them flagged) or collected.

Visitors need a host: a company without anyone on the portal yet gets one demo person (a member,
joined through an invitation like everyone, with a random password; reset it to sign in).
Running it again on the same day adds nothing; on another day it adds that day's visitors.
"""

from __future__ import annotations

import datetime as dt
import secrets
from itertools import cycle

from django.utils import timezone

from tenants.choices import ON_CAMPUS
from tenants.models import Company

from ..choices import MemberRole
from ..models import Delivery, Membership, Visit
from ..services.frontdesk import delivery_collect, delivery_log, visit_check_in, visit_register
from ..services.members import invitation_accept, invitation_send

VISITORS = [
    ("Lena Hoffmann", "Charité – Universitätsmedizin Berlin", dt.time(9, 30)),
    ("王磊", "江苏省人民医院", dt.time(10, 0)),
    ("Priya Raman", "Syngene International", dt.time(11, 15)),
    ("Tom Becker", "Thermo Fisher Scientific", dt.time(14, 0)),
    ("刘芳", "无锡市药品监督管理局", None),
]
# (carrier, contents, flags)
DELIVERIES = [
    ("SF Express", "Antibody reagent kit, 2 boxes", {"cold_chain": True}),
    ("DHL Express", "Cell line vials on dry ice", {"cold_chain": True, "biological": True}),
    ("JD Logistics", "Pipette tips and gloves", {}),
    ("EMS", "Signed contracts", {}),
]


def _host(company: Company):
    membership = Membership.objects.filter(company=company, user__is_active=True).select_related("user").first()
    if membership is not None:
        return membership.user
    invitation = invitation_send(
        company=company,
        email=f"reception@{company.slug}.demo.example",
        name=f"{company.name} reception",
        role=MemberRole.MEMBER,
    )
    joined = invitation_accept(
        token_hash=invitation.token_hash, name=f"{company.name} reception", password=secrets.token_urlsafe(24)
    )
    return joined.user


def _visitors(companies: list[Company], today: dt.date) -> int:
    added = 0
    for position, (company, (name, organisation, at)) in enumerate(zip(cycle(companies), VISITORS)):
        if Visit.objects.filter(company=company, visitor_name=name, visit_date=today).exists():
            continue
        host = _host(company)
        visit = visit_register(
            company=company,
            host=host,
            visitor_name=name,
            organisation=organisation,
            visit_date=today,
            expected_time=at,
            actor=host,
        )
        if position == 0:
            visit_check_in(visit=visit, actor=None)
        added += 1
    return added


def _deliveries(companies: list[Company]) -> int:
    added = 0
    for position, (company, (carrier, contents, flags)) in enumerate(zip(cycle(companies), DELIVERIES)):
        if Delivery.objects.filter(company=company, carrier=carrier, description=contents).exists():
            continue
        delivery = delivery_log(company=company, carrier=carrier, description=contents, actor=None, **flags)
        if position == len(DELIVERIES) - 1:
            collector = _host(company)
            delivery_collect(
                delivery=delivery, collected_by_name=collector.get_full_name() or collector.email, actor=None
            )
        added += 1
    return added


def seed(campus, companies) -> dict[str, int]:
    """Today's visitors and a few deliveries at ``campus``'s resident ``companies`` (the first four)."""
    residents = [company for company in companies if company.campus_id == campus.pk and company.status in ON_CAMPUS]
    if not residents:
        return {"visits": 0, "deliveries": 0}
    residents = residents[:4]
    return {"visits": _visitors(residents, timezone.localdate()), "deliveries": _deliveries(residents)}
