"""Loading a campus's published intake batch and named companies, and illustrative applications.

Idempotent: loading the same data again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campus.demo import upsert
from campus.models import BusinessArea, Campus, Gas

from .choices import DECISIONS, ENDED, ApplicationStatus, CompanyStatus
from .models import (
    Application,
    ApplicationContact,
    ApplicationTransition,
    Company,
    DiseaseStage,
    FocusArea,
    IntakeBatch,
)
from .rules import STEPS


def _set_areas(company: Company, facts: dict) -> None:
    company.business_areas.set(BusinessArea.objects.filter(code__in=facts.get("business_areas", [])))
    company.focus_areas.set(FocusArea.objects.filter(code__in=facts.get("focus_areas", [])))
    company.disease_stages.set(DiseaseStage.objects.filter(code__in=facts.get("disease_stages", [])))


@transaction.atomic
def first_batch_load(*, campus: Campus, batch_facts: dict, companies: list[dict]) -> IntakeBatch:
    """The batch signed at the opening, with the companies that were named, as residents since then."""
    signed_on = dt.date.fromisoformat(batch_facts["signed_on"]) if batch_facts.get("signed_on") else None
    batch = upsert(
        IntakeBatch,
        campus=campus,
        name_en=batch_facts["name"],
        defaults={
            "signed_on": signed_on,
            "signed_at_en": batch_facts.get("signed_at", ""),
            "announced_size": batch_facts.get("company_count"),
        },
    )
    for facts in companies:
        company = upsert(
            Company,
            campus=campus,
            name=facts["name"],
            defaults={
                "country": facts["country"],
                "description_en": facts.get("description", ""),
                "status": CompanyStatus.RESIDENT,
                "resident_since": signed_on,
                "intake_batch": batch,
            },
        )
        _set_areas(company, facts)
    return batch


@transaction.atomic
def demo_applications_load(*, campus: Campus, specs: list[dict]) -> list[Application]:
    """Invented applications, flagged as demo data, each with the history of the states it went through."""
    loaded = []
    for spec in specs:
        company = upsert(
            Company,
            campus=campus,
            name=spec["company"],
            defaults={"country": spec["country"], "size": spec.get("size", ""), "status": CompanyStatus.APPLICANT},
        )
        _set_areas(company, spec)
        application = Application.objects.filter(company=company, is_demo=True).first()
        if application is None:
            application = _demo_application(campus=campus, company=company, spec=spec)
        loaded.append(application)
    return loaded


def _demo_application(*, campus: Campus, company: Company, spec: dict) -> Application:
    path = spec["path"]
    application = Application.objects.create(
        campus=campus,
        company=company,
        is_demo=True,
        status=path[-1],
        completed_steps=list(STEPS),
        platform_stage=spec.get("platform_stage", ""),
        space_kind=spec.get("space_kind", ""),
        space_area_m2=Decimal(spec["space_area_m2"]) if spec.get("space_area_m2") else None,
        space_from=timezone.localdate() + dt.timedelta(days=90),
        biosafety_level=spec.get("biosafety_level", ""),
        fume_hoods=spec.get("fume_hoods", 0),
        needs_cold_room=spec.get("needs_cold_room", False),
    )
    application.gases.set(Gas.objects.filter(code__in=spec.get("gases", [])))
    ApplicationContact.objects.create(
        application=application, name="Demo Contact", email="demo-applicant@example.org", is_primary=True
    )
    previous, when = ApplicationStatus.DRAFT, timezone.now() - dt.timedelta(days=3 * len(path))
    for status in path:
        if status == ApplicationStatus.DRAFT:
            continue
        when += dt.timedelta(days=3)
        ApplicationTransition.objects.create(
            application=application,
            from_status=previous,
            to_status=status,
            actor_email="demo-applicant@example.org" if status == ApplicationStatus.SUBMITTED else "",
            reason=spec.get("reason", "") if status == path[-1] else "",
            override_reason="Demo data" if status in DECISIONS else "",
            created_at=when,
        )
        if status == ApplicationStatus.SUBMITTED:
            application.submitted_at = when
        if status in ENDED:
            application.decided_at = when
        previous = status
    application.save(update_fields=["submitted_at", "decided_at"])
    return application
