"""Business actions on applications. Views, forms, the admin and commands call these."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campus.models import Campus
from common.actors import Actor, actor_email, actor_label, actor_user

from .. import rules
from ..choices import DECISIONS, ENDED, CompanyStatus
from ..choices import ApplicationStatus as S
from ..events import event_record
from ..exceptions import ApplicationIncomplete, ApplicationLocked, InvalidTransition
from ..models import (
    Application,
    ApplicationContact,
    ApplicationDocument,
    ApplicationEdit,
    ApplicationQuerySet,
    ApplicationTransition,
    Company,
)
from ..notifications import notify_contacts, notify_staff
from .onboarding import onboarding_start

# --- Drafts ------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


@transaction.atomic(savepoint=False)  # inside a caller's transaction, whatever fails here fails it too
def application_start(*, campus: Campus, company: Company, language: str, actor: Actor = None) -> Application:
    """Create a draft for a company that is not on record yet, from the first step's data."""
    company.campus = campus
    company.status = CompanyStatus.APPLICANT
    company.save()
    application = Application.objects.create(campus=campus, company=company, language=language)
    _record_step(application=application, step="company", fields=["name"], actor=actor)
    return application


@transaction.atomic
def application_save_step(
    *, application: Application, step: str, save, changed: Iterable[str], language: str, actor: Actor = None
) -> Application:
    """Store one step of a draft (``save`` writes the step's forms) and record who changed what."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not locked.is_editable:
        raise ApplicationLocked(_("This application has been submitted and can no longer be changed."))
    save()
    application.language = language
    fresh = Application.objects.get(pk=application.pk)
    if fresh.language != language:
        fresh.language = language
        fresh.save(update_fields=["language", "updated_at"])
    _record_step(application=application, step=step, fields=list(changed), actor=actor)
    return application


def _record_step(*, application: Application, step: str, fields: list[str], actor: Actor) -> None:
    completed = list(Application.objects.filter(pk=application.pk).values_list("completed_steps", flat=True).get())
    if step not in completed:
        completed.append(step)
        Application.objects.filter(pk=application.pk).update(completed_steps=completed)
    application.completed_steps = completed
    if fields:
        ApplicationEdit.objects.create(
            application=application, step=step, editor_email=actor_label(actor), fields=fields
        )


@transaction.atomic
def document_attach(*, application: Application, kind: str, upload, actor: Actor = None) -> ApplicationDocument:
    """Check an uploaded file and keep it with the draft under a name of our choosing."""
    if not Application.objects.select_for_update().get(pk=application.pk).is_editable:
        raise ApplicationLocked(_("This application has been submitted and can no longer be changed."))
    document = ApplicationDocument(application=application, kind=kind)
    document.store(upload, actor=actor)
    ApplicationEdit.objects.create(
        application=application, step="documents", editor_email=actor_label(actor), fields=[f"document:{kind}"]
    )
    return document


def stale_drafts_remind(now: dt.datetime | None = None) -> int:
    """One reminder for drafts untouched for DRAFT_REMINDER_DAYS; never after submission or withdrawal."""
    now = now or timezone.now()
    stale = Application.objects.filter(
        status=S.DRAFT,
        draft_reminded_at__isnull=True,
        updated_at__lt=now - dt.timedelta(days=settings.DRAFT_REMINDER_DAYS),
    )
    reminded = 0
    for application in stale.select_related("company").prefetch_related("contacts"):
        with transaction.atomic():
            claimed = Application.objects.filter(
                pk=application.pk, status=S.DRAFT, draft_reminded_at__isnull=True
            ).update(draft_reminded_at=now)
            if not claimed:
                continue
            notify_contacts(application=application, kind="draft:reminder", template="draft_reminder", link="resume")
            reminded += 1
    return reminded


def missing_for_submission(application: Application) -> list[str]:
    """What still stands between a draft and its submission, in words for the applicant."""
    problems = []
    for step in rules.STEPS:
        if step not in application.completed_steps:
            problems.append(_("Complete the step “%(step)s”.") % {"step": rules.STEP_TITLES[step]})
    kinds = {document.kind for document in application.documents.all()}
    for kind, label in [("pitch_deck", _("pitch deck")), ("business_licence", _("business licence or registration"))]:
        if kind not in kinds:
            problems.append(_("Upload your %(document)s.") % {"document": label})
    if not application.contacts.exists():
        problems.append(_("Add at least one contact."))
    return problems


def application_submit(*, application: Application, actor: Actor = None) -> Application:
    """Submit a complete draft. A second submission changes nothing."""
    problems = missing_for_submission(application)
    if problems:
        raise ApplicationIncomplete(problems)
    return application_transition(application=application, to=S.SUBMITTED, actor=actor)


# --- Moving applications -----------------------------------------------------------------


@transaction.atomic
def application_transition(
    *,
    application: Application,
    to: str,
    actor: Actor = None,
    reason: str = "",
    override_reason: str = "",
) -> Application:
    """Move an application to ``to``: checked, recorded with who/when/why, and announced after commit.

    The announcement is a DomainEvent written in this transaction (see tenants.events).
    """
    locking = Application.objects.select_for_update(of=("self",)).select_related("company", "campus")
    locked = locking.get(pk=application.pk)
    current = locked.status
    if to not in rules.TRANSITIONS[current]:
        raise InvalidTransition(
            _("An application that is “%(current)s” cannot become “%(to)s”.")
            % {"current": S(current).label, "to": S(to).label},
            field="status",
        )
    reason, override_reason = reason.strip(), override_reason.strip()
    if actor_user(actor) is not None and to in rules.REASON_REQUIRED_FROM_STAFF and not reason:
        raise InvalidTransition(_("Give a reason for this change; the applicant will see it."), field="reason")
    if to in DECISIONS:
        missing = rules.reviews_missing(locked)
        if missing and not override_reason:
            raise InvalidTransition(
                _(
                    "This decision needs %(missing)s more completed advisory review(s). "
                    "Wait for them, or give a reason for deciding without them."
                )
                % {"missing": missing},
                field="override_reason",
            )
        if not missing:
            override_reason = ""

    now = timezone.now()
    updates = {"status": to, "updated_at": now}
    if to == S.SUBMITTED:
        updates["submitted_at"] = now
    if to in ENDED:  # a decision or a withdrawal: the retention period of personal data starts here
        updates["decided_at"] = now
    for name, value in updates.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(updates))  # saved, so the audit history records it
    transition = ApplicationTransition.objects.create(
        application=locked,
        from_status=current,
        to_status=to,
        actor=actor_user(actor),
        actor_email=actor_email(actor),
        reason=reason,
        override_reason=override_reason,
        created_at=now,
    )
    _notify_transition(application=locked, transition=transition)
    if to == S.APPROVED:
        onboarding_start(application=locked, approved_on=timezone.localdate(now))
    event_record(
        type="application.status_changed",
        key=f"application.status_changed:{transition.pk}",
        payload={"application_id": locked.pk, "from_status": current, "to_status": to, "transition_id": transition.pk},
        occurred_at=now,
    )
    application.status = locked.status
    return locked


def application_withdraw(*, application: Application, actor: Actor, reason: str = "") -> Application:
    """The applicant withdraws before a decision."""
    if application.is_decided:
        raise InvalidTransition(_("A decision has been made; the application can no longer be withdrawn."))
    return application_transition(application=application, to=S.WITHDRAWN, actor=actor, reason=reason)


# --- Links by e-mail ------------------------------------------------------------------------


def links_request(*, email: str) -> int:
    """E-mail a fresh link for every application this address is a contact of. Says nothing to the caller."""
    sent = 0
    contacts = ApplicationContact.objects.filter(email__iexact=email.strip()).select_related("application__company")
    for contact in contacts:
        link = "resume" if contact.application.is_editable else "status"
        sent += notify_contacts(
            application=contact.application, to=[contact], kind=f"{link}_link", template=f"{link}_link", link=link
        )
    return sent


@transaction.atomic
def colleague_invite(*, application: Application, name: str, email: str, actor: Actor) -> ApplicationContact:
    """Add a colleague as a contact and send them their own link to the draft."""
    if not application.is_editable:
        raise ApplicationLocked(_("This application has been submitted and can no longer be changed."))
    contact = ApplicationContact.objects.filter(application=application, email__iexact=email).first()
    if contact is None:
        contact = ApplicationContact.objects.create(application=application, name=name, email=email)
    notify_contacts(
        application=application,
        to=[email],  # as typed: the address the colleague was invited at
        kind="invitation",
        template="invitation",
        context={"contact": contact, "invited_by": actor_label(actor)},
        link="resume",
    )
    ApplicationEdit.objects.create(
        application=application, step="contacts", editor_email=actor_label(actor), fields=[f"invited:{email}"]
    )
    return contact


def resume_link_send(*, application: Application, email: str) -> None:
    """E-mail a link to come back to the draft."""
    notify_contacts(application=application, to=[email], kind="resume_link", template="resume_link", link="resume")


def _notify_transition(*, application: Application, transition: ApplicationTransition) -> None:
    """Tell the contacts (each with a status link) and, for a submission, the campus's staff."""
    notify_contacts(
        application=application,
        kind=f"status:{transition.to_status}",
        template="submitted" if transition.to_status == S.SUBMITTED else "status_changed",
        context={"transition": transition},
        link="status",
    )
    if transition.to_status == S.SUBMITTED:
        notify_staff(
            campus=application.campus,
            application=application,
            kind="staff:submitted",
            template="staff_submitted",
            context={
                "admin_url": settings.SITE_URL.rstrip("/")
                + reverse("admin:tenants_application_change", args=[application.pk])
            },
        )


def applications_matching_referral(*, campus: Campus, company_name: str) -> ApplicationQuerySet:
    """The undecided applications at ``campus`` of the company named ``company_name`` (in any case),
    newest first, with their company; both rows are locked for the caller's transaction."""
    return (
        Application.objects.undecided()
        .select_related("company")
        .select_for_update(of=("self", "company"))
        .filter(campus=campus, company__name__iexact=company_name.strip())
        .order_by("-created_at")
    )


# No savepoint of its own: whatever fails here fails the caller's transaction too.
@transaction.atomic(savepoint=False)
def application_for_referral(
    *,
    campus: Campus,
    company_name: str,
    country: str,
    website: str,
    contact_name: str,
    contact_email: str,
    referred_by: str,
    language: str = "en",
    matching: ApplicationQuerySet | None = None,
) -> tuple[Application, bool]:
    """The company's open application, untouched, or else a new draft whose contact is invited by e-mail.

    Returns the application and whether it was created. An existing application is only returned
    (locked): the caller must not give the referrer's contact any way into it. ``matching`` is
    ``applications_matching_referral`` with what the caller reads along (annotations, relations).
    """
    if matching is None:
        matching = applications_matching_referral(campus=campus, company_name=company_name)
    existing = matching.first()
    if existing is not None:
        return existing, False
    company = Company(name=company_name.strip(), country=country, website=website)
    application = application_start(campus=campus, company=company, language=language)
    contact = ApplicationContact.objects.create(
        application=application, name=contact_name, email=contact_email, is_primary=True
    )
    notify_contacts(
        application=application,
        to=[contact],
        kind="referral_invitation",
        template="referral_invitation",
        context={"referred_by": referred_by},
        link="resume",
    )
    return application, True
