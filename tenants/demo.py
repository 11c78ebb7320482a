"""Loading a campus's published intake batch and named companies. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from campus.demo import upsert
from campus.models import BusinessArea, Campus

from .choices import CompanyStatus
from .models import Company, IntakeBatch


@transaction.atomic
def first_batch_load(*, campus: Campus, batch_facts: dict, companies: list[dict]) -> IntakeBatch:
    """The batch signed at the opening, with the companies that were named as residents since then."""
    signed_on = dt.date.fromisoformat(batch_facts["signed_on"]) if batch_facts.get("signed_on") else None
    batch = upsert(
        IntakeBatch,
        campus=campus,
        name=batch_facts["name"],
        defaults={
            "signed_on": signed_on,
            "signed_at": batch_facts.get("signed_at", ""),
            "announced_size": batch_facts.get("company_count"),
        },
    )
    areas = {area.code: area for area in BusinessArea.objects.all()}
    for facts in companies:
        company = upsert(
            Company,
            campus=campus,
            name=facts["name"],
            defaults={
                "country": facts["country"],
                "description": facts.get("description", ""),
                "status": CompanyStatus.RESIDENT,
                "resident_since": signed_on,
                "intake_batch": batch,
            },
        )
        company.business_areas.set([areas[code] for code in facts.get("business_areas", [])])
    return batch
