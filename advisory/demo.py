"""An illustrative committee for demonstrations: clearly demo people, no invented real names. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from campus.demo import upsert
from campus.models import Campus

from .choices import Origin, Sector
from .models import AdvisoryCommittee, AdvisoryMember

DEMO_MEMBERS = [
    ("Demo Member A", Sector.GOVERNMENT, Origin.DOMESTIC, "Demo Municipal Science Bureau"),
    ("Demo Member B", Sector.ENTERPRISE, Origin.OVERSEAS, "Demo Pharmaceutical Group"),
    ("Demo Member C", Sector.UNIVERSITY, Origin.DOMESTIC, "Demo University School of Medicine"),
    ("Demo Member D", Sector.RESEARCH_INSTITUTION, Origin.OVERSEAS, "Demo Institute for Cancer Research"),
    ("Demo Member E", Sector.MEDICAL_INSTITUTION, Origin.DOMESTIC, "Demo People's Hospital"),
]


@transaction.atomic
def demo_committee_load(*, campus: Campus, starts_on: dt.date) -> AdvisoryCommittee:
    committee, _created = AdvisoryCommittee.objects.get_or_create(campus=campus)
    for index, (name, sector, origin, organisation) in enumerate(DEMO_MEMBERS):
        upsert(
            AdvisoryMember,
            committee=committee,
            name=name,
            defaults={
                "email": f"demo-member-{index + 1}@example.org",
                "organisation": organisation,
                "sector": sector,
                "origin": origin,
                "term_starts_on": starts_on,
                "is_listed": True,
                "is_demo": True,
                "title": "Demo advisor",
            },
        )
    return committee
