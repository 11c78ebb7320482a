"""Personal data of applicants: export, erasure on request, erasure at the end of retention.

One erasure routine serves all three paths (staff handling a request in the admin, the daily
retention job, tests): it deletes contacts, documents (files too), links, the change log, e-mails
and the company's identifying fields with their history, keeps the application row with its
status (partners' referrals and committee reviews point at it) and leaves an anonymised record.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.actors import Actor, actor_label, actor_user
from common.figures import figures_changed

from ..choices import ENDED_WITHOUT_PLACE, ON_CAMPUS
from ..models import Application, Company, DataRequest
from ..selectors import directory_changed


def application_export(*, application: Application) -> dict:
    """Everything the portal holds about this application and its company, as plain data."""
    company = application.company
    data = {
        "exported_at": timezone.now().isoformat(),
        "application": {
            "reference": str(application.reference),
            "campus": application.campus.name,
            "status": application.status,
            "language": application.language,
            "submitted_at": application.submitted_at and application.submitted_at.isoformat(),
            "decided_at": application.decided_at and application.decided_at.isoformat(),
            **{name: _plain(getattr(application, name)) for name in Application.NEEDS_FIELDS if name != "gases"},
            "gases": [gas.code for gas in application.gases.all()],
        },
        "company": {
            "name": company.name,
            "name_zh": company.name_zh,
            "country": str(company.country),
            "website": company.website,
            "founded_year": company.founded_year,
            "size": company.size,
            "description": company.description_en or "",
            "description_zh": company.description_zh_hans or "",
            "business_areas": [a.code for a in company.business_areas.all()],
            "focus_areas": [a.code for a in company.focus_areas.all()],
            "disease_stages": [a.code for a in company.disease_stages.all()],
            "platform_stage": company.platform_stage,
        },
        "contacts": list(application.contacts.values("name", "role", "email", "phone", "is_primary")),
        "documents": [
            {"kind": d.kind, "file_name": d.original_name, "size": d.size, "uploaded_at": d.uploaded_at.isoformat()}
            for d in application.documents.all()
        ],
        "status_history": [
            {"from": t.from_status, "to": t.to_status, "at": t.created_at.isoformat(), "reason": t.reason}
            for t in application.transitions.order_by("created_at")
        ],
        "changes": list(
            application.edits.order_by("created_at").values("step", "editor_email", "fields", "created_at")
        ),
        "emails": list(
            application.notifications.order_by("created_at").values(
                "kind", "recipient", "subject", "created_at", "sent_at"
            )
        ),
    }
    return _jsonable(data)


def _plain(value):
    return str(value) if value is not None and not isinstance(value, bool | int | str) else value


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def export_record(*, application: Application, actor: Actor) -> DataRequest:
    """Keep a record that the applicant downloaded their data, naming them only by a digest."""
    return DataRequest.objects.create(
        application=application,
        kind=DataRequest.Kind.EXPORT,
        state=DataRequest.State.DONE,
        requested_by=_digest(actor_label(actor)),
        handled_at=timezone.now(),
        outcome="Downloaded by the applicant through their status link.",
    )


def erasure_request(*, application: Application, actor: Actor) -> DataRequest:
    """An applicant asks for erasure; staff handle it in the admin. Asking twice changes nothing."""
    existing = DataRequest.objects.filter(
        application=application, kind=DataRequest.Kind.ERASURE, state=DataRequest.State.PENDING
    ).first()
    return existing or DataRequest.objects.create(
        application=application, kind=DataRequest.Kind.ERASURE, requested_by=actor_label(actor)
    )


def _digest(email: str) -> str:
    return "sha256:" + hashlib.sha256(email.strip().lower().encode()).hexdigest() if email else ""


@transaction.atomic
def application_erase(
    *, application: Application, request: DataRequest | None = None, actor: Actor = None, reason: str = ""
) -> DataRequest:
    """Remove the personal data of ``application``; returns the anonymised record of what was done."""
    application = Application.objects.select_for_update(of=("self",)).select_related("company").get(pk=application.pk)
    company = application.company
    counts = {
        "contacts": application.contacts.count(),
        "documents": application.documents.count(),
        "emails": application.notifications.count(),
    }
    for document in application.documents.all():
        document.file.delete(save=False)
    application.documents.all().delete()
    application.contacts.all().delete()
    application.access_links.all().delete()
    application.edits.all().delete()
    application.notifications.all().delete()
    application.transitions.update(reason="", actor_email="")
    application.erased_at = timezone.now()
    application.save(update_fields=["erased_at"])
    company_erased = not (
        company.status in ON_CAMPUS
        or company.applications.exclude(pk=application.pk).filter(erased_at__isnull=True).exists()
    )
    if company_erased:
        company.logo.delete(save=False)
        # rewrite(False): "description" names its own column here, not the page language's one.
        figures_changed()  # an update sends no signal: the dashboard's figures are told here
        Company.objects.rewrite(False).filter(pk=company.pk).update(
            name=f"Erased company {company.pk}",
            name_zh="",
            website="",
            description="",
            description_en=None,
            description_zh_hans=None,
            logo="",
            founded_year=None,
            updated_at=timezone.now(),
        )
        directory_changed()
        Company.history.filter(id=company.pk).delete()  # the audit history held the old values
    outcome = (
        f"Erased {counts['contacts']} contacts, {counts['documents']} documents and {counts['emails']} e-mails"
        + (", and the company's details." if company_erased else "; the company stays (it has other records).")
    )
    if request is None:
        request = DataRequest(application=application, kind=DataRequest.Kind.RETENTION)
    request.state = DataRequest.State.DONE
    request.requested_by = _digest(request.requested_by) if "@" in request.requested_by else request.requested_by
    request.handled_at = timezone.now()
    request.handled_by = actor_user(actor)
    request.outcome = f"{outcome} {reason}".strip()
    request.save()
    return request


def expired_applications_erase(now: dt.datetime | None = None) -> int:
    """Rejected and withdrawn applications that ended (``decided_at``) more than APPLICATION_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.APPLICATION_RETENTION_DAYS)
    due = Application.objects.filter(
        status__in=ENDED_WITHOUT_PLACE,
        decided_at__lt=cutoff,
        erased_at__isnull=True,
    )
    erased = 0
    for application in due.iterator():
        application_erase(
            application=application, reason=f"Retention period of {settings.APPLICATION_RETENTION_DAYS} days ended."
        )
        erased += 1
    return erased
