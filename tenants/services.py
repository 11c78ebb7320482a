"""Business actions on applications. Views, forms, the admin and commands call these."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campus.models import Campus
from common.jobs import enqueue_on_commit
from common.tokens import hash_token, new_token

from . import rules
from .choices import ApplicationStatus as S
from .choices import CompanyStatus
from .events import event_record
from .exceptions import ApplicationIncomplete, ApplicationLocked, InvalidLink, InvalidTransition
from .models import (
    AccessLink,
    Application,
    ApplicationContact,
    ApplicationDocument,
    ApplicationEdit,
    ApplicationTransition,
    Company,
    Notification,
)

# --- Drafts ------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


@transaction.atomic
def application_start(*, campus: Campus, company: Company, language: str, editor_email: str = "") -> Application:
    """Create a draft for a company that is not on record yet, from the first step's data."""
    company.campus = campus
    company.status = CompanyStatus.APPLICANT
    company.save()
    application = Application.objects.create(campus=campus, company=company, language=language)
    _record_step(application=application, step="company", fields=["name"], editor_email=editor_email)
    return application


@transaction.atomic
def application_save_step(
    *, application: Application, step: str, save, changed: Iterable[str], language: str, editor_email: str = ""
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
    _record_step(application=application, step=step, fields=list(changed), editor_email=editor_email)
    return application


def _record_step(*, application: Application, step: str, fields: list[str], editor_email: str) -> None:
    completed = list(Application.objects.filter(pk=application.pk).values_list("completed_steps", flat=True).get())
    if step not in completed:
        completed.append(step)
        Application.objects.filter(pk=application.pk).update(completed_steps=completed)
    application.completed_steps = completed
    if fields:
        ApplicationEdit.objects.create(application=application, step=step, editor_email=editor_email, fields=fields)


@transaction.atomic
def document_attach(*, application: Application, kind: str, upload, editor_email: str = "") -> ApplicationDocument:
    """Check an uploaded file and keep it with the draft under a name of our choosing."""
    if not Application.objects.select_for_update().get(pk=application.pk).is_editable:
        raise ApplicationLocked(_("This application has been submitted and can no longer be changed."))
    document = ApplicationDocument(application=application, kind=kind)
    document.store(upload, by=editor_email)
    ApplicationEdit.objects.create(
        application=application, step="documents", editor_email=editor_email, fields=[f"document:{kind}"]
    )
    return document


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


def application_submit(*, application: Application, editor_email: str = "") -> Application:
    """Submit a complete draft. A second submission changes nothing."""
    problems = missing_for_submission(application)
    if problems:
        raise ApplicationIncomplete(problems)
    return application_transition(application=application, to=S.SUBMITTED, actor_email=editor_email)


# --- Moving applications -----------------------------------------------------------------


@transaction.atomic
def application_transition(
    *,
    application: Application,
    to: str,
    actor=None,
    actor_email: str = "",
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
    if actor is not None and to in rules.REASON_REQUIRED_FROM_STAFF and not reason:
        raise InvalidTransition(_("Give a reason for this change; the applicant will see it."), field="reason")
    if to in rules.DECISIONS:
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
    if to in rules.DECISIONS:
        updates["decided_at"] = now
    for name, value in updates.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(updates))  # saved, so the audit history records it
    transition = ApplicationTransition.objects.create(
        application=locked,
        from_status=current,
        to_status=to,
        actor=actor,
        actor_email=actor_email,
        reason=reason,
        override_reason=override_reason,
        created_at=now,
    )
    _notify_transition(application=locked, transition=transition)
    if to == S.APPROVED:
        from .onboarding import onboarding_start

        onboarding_start(application=locked, approved_on=timezone.localdate(now))
    event_record(
        type="application.status_changed",
        key=f"application.status_changed:{transition.pk}",
        payload={"application_id": locked.pk, "from_status": current, "to_status": to, "transition_id": transition.pk},
        occurred_at=now,
    )
    application.status = locked.status
    return locked


def application_withdraw(*, application: Application, actor_email: str, reason: str = "") -> Application:
    """The applicant withdraws before a decision."""
    if application.is_decided:
        raise InvalidTransition(_("A decision has been made; the application can no longer be withdrawn."))
    return application_transition(application=application, to=S.WITHDRAWN, actor_email=actor_email, reason=reason)


# --- Links ---------------------------------------------------------------------------------


def access_link_issue(*, application: Application, email: str) -> str:
    """A new single-use link for ``email``; returns the token, which is stored only as a hash."""
    token = new_token()
    AccessLink.objects.create(
        application=application,
        email=email.lower(),
        token_hash=hash_token(token),
        expires_at=timezone.now() + dt.timedelta(days=settings.APPLICATION_LINK_DAYS),
    )
    return token


def access_link_find(*, token_hash: str) -> AccessLink:
    """The usable link whose token hashes to ``token_hash``, or InvalidLink (unknown, used or expired alike)."""
    link = (
        AccessLink.objects.select_related("application__company")
        .filter(token_hash=token_hash, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if link is None:
        raise InvalidLink(_("This link is not valid any more. Ask for a new one below."))
    return link


def access_link_redeem(*, token_hash: str) -> AccessLink:
    """Use a link once: a second use, even at the same moment, fails."""
    link = access_link_find(token_hash=token_hash)
    used = AccessLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:
        raise InvalidLink(_("This link is not valid any more. Ask for a new one below."))
    return link


def links_request(*, email: str) -> int:
    """E-mail a fresh link for every application this address is a contact of. Says nothing to the caller."""
    sent = 0
    contacts = ApplicationContact.objects.filter(email__iexact=email.strip()).select_related("application__company")
    for contact in contacts:
        application = contact.application
        token = access_link_issue(application=application, email=contact.email)
        kind = "resume" if application.is_editable else "status"
        notify(
            application=application,
            kind=f"{kind}_link",
            recipient=contact.email,
            template=f"{kind}_link",
            context={"link": link_url(kind, token), "contact": contact},
        )
        sent += 1
    return sent


@transaction.atomic
def colleague_invite(*, application: Application, name: str, email: str, invited_by: str) -> ApplicationContact:
    """Add a colleague as a contact and send them their own link to the draft."""
    if not application.is_editable:
        raise ApplicationLocked(_("This application has been submitted and can no longer be changed."))
    contact = ApplicationContact.objects.filter(application=application, email__iexact=email).first()
    if contact is None:
        contact = ApplicationContact.objects.create(application=application, name=name, email=email)
    token = access_link_issue(application=application, email=email)
    notify(
        application=application,
        kind="invitation",
        recipient=email,
        template="invitation",
        context={"link": link_url("resume", token), "contact": contact, "invited_by": invited_by},
    )
    ApplicationEdit.objects.create(
        application=application, step="contacts", editor_email=invited_by, fields=[f"invited:{email}"]
    )
    return contact


def save_for_later(*, application: Application, email: str) -> None:
    """E-mail a link to come back to the draft."""
    token = access_link_issue(application=application, email=email)
    notify(
        application=application,
        kind="resume_link",
        recipient=email,
        template="resume_link",
        context={"link": link_url("resume", token), "contact": None},
    )


def link_url(kind: str, token: str) -> str:
    name = "tenants:resume_link" if kind == "resume" else "tenants:status_link"
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"token": token})


# --- E-mail --------------------------------------------------------------------------------


def notify(
    *,
    kind: str,
    recipient: str,
    template: str,
    context: dict,
    application: Application | None = None,
    company: Company | None = None,
    language: str | None = None,
) -> Notification:
    """Write an e-mail in the recipient's language and deliver it after commit."""
    from .tasks import deliver_notification

    company = company or (application.company if application else None)
    language = language or (application.language if application else settings.LANGUAGE_CODE)
    with translation.override(language):
        ctx = {"application": application, "company": company, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"tenants/email/{template}_subject.txt", ctx).split())
        body = render_to_string(f"tenants/email/{template}.txt", ctx)
    notification = Notification.objects.create(
        application=application,
        company=company,
        kind=kind,
        recipient=recipient,
        language=language,
        subject=subject,
        body=body,
    )
    enqueue_on_commit(deliver_notification, notification.pk)
    return notification


def staff_emails(campus) -> list[str]:
    """Who hears of a campus's new applications and escalations."""
    return campus.staff_email_list or list(settings.CAMPUS_STAFF_EMAILS)


def _notify_transition(*, application: Application, transition: ApplicationTransition) -> None:
    recipients = list(application.contacts.values_list("email", flat=True))
    status_link = None
    for email in recipients:
        token = access_link_issue(application=application, email=email)
        status_link = link_url("status", token)
        template = "submitted" if transition.to_status == S.SUBMITTED else "status_changed"
        notify(
            application=application,
            kind=f"status:{transition.to_status}",
            recipient=email,
            template=template,
            context={"transition": transition, "link": status_link},
        )
    if transition.to_status == S.SUBMITTED:
        for email in staff_emails(application.campus):
            notify(
                application=application,
                kind="staff:submitted",
                recipient=email,
                template="staff_submitted",
                language=settings.LANGUAGE_CODE,
                context={
                    "admin_url": settings.SITE_URL.rstrip("/")
                    + reverse("admin:tenants_application_change", args=[application.pk])
                },
            )


# How long a job owns an e-mail it is sending: more than a send may take (EMAIL_TIMEOUT per
# server operation). A job that dies mid-send leaves the e-mail to the relay after this.
NOTIFICATION_CLAIM = dt.timedelta(minutes=5)


def deliver(notification_id: int) -> bool:
    """Send one pending e-mail; a second delivery of the same one sends nothing.

    Claim, send, record: the row is claimed by a conditional update that commits at once, so no
    row lock is held while the mail server is slow. A failure is counted on the row (and re-raised
    for the job to retry); after NOTIFICATION_MAX_ATTEMPTS failures the relay stops publishing it
    and staff see it in the admin.
    """
    from django.core.mail import send_mail

    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=now + NOTIFICATION_CLAIM)
    )
    if not claimed:
        return False  # sent already, or another job is sending it
    notification = Notification.objects.get(pk=notification_id)
    try:
        send_mail(notification.subject, notification.body, None, [notification.recipient])
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:255], claimed_until=None
        )
        raise
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), body="", claimed_until=None)
    logger.info("Sent e-mail %s (%s)", notification_id, notification.kind)  # never the address or body
    return True


@transaction.atomic
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
) -> tuple[Application, bool]:
    """The company's open application, untouched, or else a new draft whose contact is invited by e-mail.

    Returns the application and whether it was created. An existing application is only returned
    (locked): the caller must not give the referrer's contact any way into it.
    """
    existing = (
        Application.objects.undecided()
        .select_for_update()
        .filter(campus=campus, company__name__iexact=company_name.strip())
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing, False
    company = Company(name=company_name.strip(), country=country, website=website)
    application = application_start(campus=campus, company=company, language=language, editor_email="")
    contact = ApplicationContact.objects.create(
        application=application, name=contact_name, email=contact_email, is_primary=True
    )
    token = access_link_issue(application=application, email=contact.email)
    notify(
        application=application,
        kind="referral_invitation",
        recipient=contact.email,
        template="referral_invitation",
        context={"link": link_url("resume", token), "contact": contact, "referred_by": referred_by},
    )
    return application, True
