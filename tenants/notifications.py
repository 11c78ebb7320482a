"""The e-mail outbox: every e-mail the portal sends is written here, delivered by a job, relayed if lost.

A ``Notification`` row is written in the same transaction as the change it reports (``notify``,
``notify_contacts``, ``notify_staff``); ``notification_deliver`` is published after commit and
sends it once (``notification_send``); ``notifications_relay`` publishes again every minute what
the broker never got. Higher apps (partners) send their e-mails through here too.

The jobs keep their registered names ``tenants.tasks.*``: the beat schedule rows and any message
already on the broker name them so.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
import smtplib
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from common.jobs import enqueue_on_commit
from common.storage import private_storage

from .links import access_link_issue
from .models import Application, ApplicationContact, Company, Notification

logger = logging.getLogger(__name__)

TRANSIENT = (OSError, smtplib.SMTPException)

# How long a job owns an e-mail it is sending: more than a send may take (EMAIL_TIMEOUT per
# server operation). A job that dies mid-send leaves the e-mail to the relay after this.
NOTIFICATION_CLAIM = dt.timedelta(minutes=5)


def link_url(kind: str, token: str) -> str:
    """The address of a link in an e-mail: ``kind`` "resume" (the draft) or "status"."""
    name = "tenants:resume_link" if kind == "resume" else "tenants:status_link"
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"token": token})


def staff_emails(campus=None, role: str | None = None) -> list[str]:
    """Who hears of a campus's new applications and escalations (with no campus: the portal's staff).

    With ``role`` (a staff group's name, e.g. "Finance"), the active staff in that group, and the
    campus's staff when nobody holds the role.
    """
    if role is not None:
        holders = list(
            get_user_model()
            .objects.filter(groups__name=role, is_active=True, is_staff=True)
            .exclude(email="")
            .order_by("email")
            .values_list("email", flat=True)
            .distinct()
        )
        if holders:
            return holders
    return (campus.staff_email_list if campus is not None else []) or list(settings.CAMPUS_STAFF_EMAILS)


# --- Writing -------------------------------------------------------------------------------


def render_text(template_name: str, context: dict) -> str:
    """A plain-text e-mail template, without HTML escaping: what people typed (a subject with
    "R&D", a name with an apostrophe) reaches the reader as typed, not as entities."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def notify(
    *,
    kind: str,
    recipient: str,
    template: str,
    context: dict,
    application: Application | None = None,
    company: Company | None = None,
    language: str | None = None,
    attachment: str = "",
) -> Notification:
    """Write an e-mail in the recipient's language and deliver it after commit.

    ``template`` names ``tenants/email/<template>.txt`` and ``<template>_subject.txt``, or, with a
    slash, another app's templates (``partners/email/webhook_disabled``). ``attachment`` names a
    private document (``common.storage.private_storage``) attached when the e-mail is sent.
    """
    path = template if "/" in template else f"tenants/email/{template}"
    company = company or (application.company if application else None)
    language = language or (application.language if application else settings.LANGUAGE_CODE)
    with translation.override(language):
        ctx = {"application": application, "company": company, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_text(f"{path}_subject.txt", ctx).split())
        body = render_text(f"{path}.txt", ctx)
    notification = Notification.objects.create(
        application=application,
        company=company,
        kind=kind,
        recipient=recipient,
        language=language,
        subject=subject,
        body=body,
        attachment=attachment,
    )
    enqueue_on_commit(notification_deliver, notification.pk)
    return notification


def notify_contacts(
    *,
    application: Application,
    kind: str,
    template: str,
    context: dict | None = None,
    link: str | None = None,
    to: Iterable[ApplicationContact | str] | None = None,
) -> int:
    """E-mail each contact of ``application`` in its language, each with a link of their own.

    ``link`` is "resume" (back to the draft), "status" (the status page) or None (no link); the
    template sees it as ``link`` and the recipient's contact as ``contact``. ``to`` narrows the
    recipients to some contacts or addresses. Returns how many e-mails were written.
    """
    recipients = application.contacts.all() if to is None else to
    written = 0
    for recipient in recipients:
        contact = recipient if isinstance(recipient, ApplicationContact) else None
        email = contact.email if contact is not None else recipient
        ctx = {"contact": contact, **(context or {})}
        if link is not None:
            ctx["link"] = link_url(link, access_link_issue(application=application, email=email))
        notify(application=application, kind=kind, recipient=email, template=template, context=ctx)
        written += 1
    return written


def notify_staff(
    *,
    campus,
    kind: str,
    template: str,
    context: dict | None = None,
    application: Application | None = None,
    company: Company | None = None,
    role: str | None = None,
) -> int:
    """E-mail the campus's staff (``campus`` None: the portal's staff; ``role``: those holding that
    staff role, as ``staff_emails`` says) in the site's language."""
    emails = staff_emails(campus, role)
    for email in emails:
        notify(
            application=application,
            company=company,
            kind=kind,
            recipient=email,
            template=template,
            context=context or {},
            language=settings.LANGUAGE_CODE,
        )
    return len(emails)


# --- Sending -------------------------------------------------------------------------------


def notification_send(notification_id: int) -> bool:
    """Send one pending e-mail; a second delivery of the same one sends nothing.

    Claim, send, record: the row is claimed by a conditional update that commits at once, so no
    row lock is held while the mail server is slow. A failure is counted on the row (and re-raised
    for the job to retry); after NOTIFICATION_MAX_ATTEMPTS failures the relay stops publishing it
    and staff see it in the admin.
    """
    from django.core import mail  # looked up at each send, so a test can put a failing one in

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
        message = mail.EmailMessage(notification.subject, notification.body, None, [notification.recipient])
        if notification.attachment:
            with private_storage.open(notification.attachment, "rb") as document:
                message.attach(posixpath.basename(notification.attachment), document.read())
        message.send()
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:255], claimed_until=None
        )
        raise
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), body="", claimed_until=None)
    logger.info("Sent e-mail %s (%s)", notification_id, notification.kind)  # never the address or body
    return True


@shared_task(
    name="tenants.tasks.deliver_notification", bind=True, max_retries=8, acks_late=True, reject_on_worker_lost=True
)
def notification_deliver(self, notification_id: int) -> bool:
    """Send a pending e-mail; retried with backoff while the mail server fails, then left for the relay."""
    try:
        return notification_send(notification_id)
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2**self.request.retries)) from exc


@shared_task(name="tenants.tasks.relay_pending_notifications", acks_late=True)
def notifications_relay(older_than_seconds: int = 60, limit: int = 500) -> int:
    """Every minute: publish e-mails whose job never reached the broker (e.g. Redis was down).

    Sending stays once-only: ``notification_send`` claims each row.
    """
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pending = list(
        Notification.objects.filter(
            sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS
        )
        .exclude(claimed_until__gt=timezone.now())  # being sent right now
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pending:
        notification_deliver.apply_async(args=[pk])
    return len(pending)
