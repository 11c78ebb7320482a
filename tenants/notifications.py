"""The e-mail outbox: every e-mail the portal sends is written here, delivered by a job, relayed if lost.

A ``Notification`` row is written in the same transaction as the change it reports (``notify``,
``notify_contacts``, ``notify_staff``; jobs writing many compose them and save them together
with ``notifications_write``); ``notifications_deliver`` is published after commit, a batch of
e-mails per message, and sends each once (``notifications_send``); ``notifications_relay``
publishes again every minute what the broker never got. Higher apps (partners) send their
e-mails through here too.

The jobs keep their registered names ``tenants.tasks.*``: the beat schedule rows and any message
already on the broker name them so.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
import smtplib
from collections.abc import Iterable, Sequence

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from common.jobs import enqueue_batches_on_commit
from common.storage import private_storage

from .links import access_link_issue
from .models import Application, ApplicationContact, Company, Notification

logger = logging.getLogger(__name__)

TRANSIENT = (OSError, smtplib.SMTPException)

# How long a job owns an e-mail it is sending: more than a send may take (EMAIL_TIMEOUT per
# server operation). A job that dies mid-send leaves the e-mail to the relay after this.
NOTIFICATION_CLAIM = dt.timedelta(minutes=5)

# E-mails per INSERT when written, and per delivery job: a job sends its batch over one
# connection to the mail server, well within NOTIFICATION_CLAIM, and two workers share a
# day's reminders in batches small enough to keep both busy.
WRITE_BATCH = 500
DELIVERY_BATCH = 100
# E-mails a job sends before marking them sent: a job killed mid-batch sends at most these again.
RECORD_EVERY = 20


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


def notification_compose(
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
    """An e-mail rendered in the recipient's language, not saved yet (``notifications_write`` saves it).

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
    return Notification(
        application=application,
        company=company,
        kind=kind,
        recipient=recipient,
        language=language,
        subject=subject,
        body=body,
        attachment=attachment,
    )


def notifications_write(notifications: Sequence[Notification]) -> list[Notification]:
    """Save composed e-mails in a few INSERTs and deliver them after commit, a batch per job."""
    written = Notification.objects.bulk_create(notifications, batch_size=WRITE_BATCH)
    enqueue_batches_on_commit(notifications_deliver, [n.pk for n in written], DELIVERY_BATCH)
    return written


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
    """Write an e-mail in the recipient's language and deliver it after commit (see ``notification_compose``)."""
    composed = notification_compose(
        kind=kind,
        recipient=recipient,
        template=template,
        context=context,
        application=application,
        company=company,
        language=language,
        attachment=attachment,
    )
    return notifications_write([composed])[0]


def contact_notifications(
    *,
    application: Application,
    kind: str,
    template: str,
    context: dict | None = None,
    link: str | None = None,
    to: Iterable[ApplicationContact | str] | None = None,
) -> list[Notification]:
    """An e-mail to each contact of ``application`` in its language, each with a link of their own.

    ``link`` is "resume" (back to the draft), "status" (the status page) or None (no link); the
    template sees it as ``link`` and the recipient's contact as ``contact``. ``to`` narrows the
    recipients to some contacts or addresses. Composed, not saved (``notifications_write``).
    """
    recipients = application.contacts.all() if to is None else to
    composed = []
    for recipient in recipients:
        contact = recipient if isinstance(recipient, ApplicationContact) else None
        email = contact.email if contact is not None else recipient
        ctx = {"contact": contact, **(context or {})}
        if link is not None:
            ctx["link"] = link_url(link, access_link_issue(application=application, email=email))
        composed.append(
            notification_compose(application=application, kind=kind, recipient=email, template=template, context=ctx)
        )
    return composed


def notify_contacts(
    *,
    application: Application,
    kind: str,
    template: str,
    context: dict | None = None,
    link: str | None = None,
    to: Iterable[ApplicationContact | str] | None = None,
) -> int:
    """E-mail each contact of ``application`` (see ``contact_notifications``); returns how many were written."""
    composed = contact_notifications(
        application=application, kind=kind, template=template, context=context, link=link, to=to
    )
    return len(notifications_write(composed))


def staff_notifications(
    *,
    campus,
    kind: str,
    template: str,
    context: dict | None = None,
    application: Application | None = None,
    company: Company | None = None,
    role: str | None = None,
) -> list[Notification]:
    """An e-mail to the campus's staff (``campus`` None: the portal's staff; ``role``: those holding
    that staff role, as ``staff_emails`` says) in the site's language. Composed, not saved."""
    return [
        notification_compose(
            application=application,
            company=company,
            kind=kind,
            recipient=email,
            template=template,
            context=context or {},
            language=settings.LANGUAGE_CODE,
        )
        for email in staff_emails(campus, role)
    ]


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
    """E-mail the campus's staff (see ``staff_notifications``); returns how many were written."""
    composed = staff_notifications(
        campus=campus,
        kind=kind,
        template=template,
        context=context,
        application=application,
        company=company,
        role=role,
    )
    return len(notifications_write(composed))


# --- Sending -------------------------------------------------------------------------------


def _claim(notification_ids: Sequence[int]) -> list[Notification]:
    """Claim the pending e-mails among ``notification_ids`` for NOTIFICATION_CLAIM, in pk order.

    The rows are locked only for this short transaction; rows another job is claiming at the same
    moment are skipped, not waited for, so two jobs given the same ids never both get one.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=notification_ids, sent_at__isnull=True)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .order_by("pk")
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(claimed_until=now + NOTIFICATION_CLAIM)
    return claimed


def _message(notification: Notification, connection):
    from django.core import mail  # looked up at each send, so a test can put a failing one in

    message = mail.EmailMessage(
        notification.subject, notification.body, None, [notification.recipient], connection=connection
    )
    if notification.attachment:
        with private_storage.open(notification.attachment, "rb") as document:
            message.attach(posixpath.basename(notification.attachment), document.read())
    return message


def notifications_send(notification_ids: Sequence[int]) -> int:
    """Send the pending e-mails among ``notification_ids`` over one connection to the mail server.

    Returns how many were sent; a second delivery of the same ids sends nothing. Claim, send,
    record: the rows are claimed in a transaction that commits at once, so no row lock is held
    while the mail server is slow, and those sent are marked so RECORD_EVERY at a time, before the
    next is tried. An e-mail the mail server refuses (its address, sender or content) or that cannot
    be built counts a failed attempt on that e-mail alone and the batch goes on. When the connection
    fails the batch stops: those sent are recorded, the rest released unsent with no attempt counted
    on any of them (the outage is no e-mail's fault), and the error re-raised for the job to retry.
    Those a slow mail server leaves once half the claim has run out are released too (the relay
    publishes them again). When the database fails while recording, nothing more is written: the
    claimed rows come back to the relay when their claim runs out, and the at most RECORD_EVERY
    sent but not yet recorded are sent again then, as after a worker killed mid-batch. After
    NOTIFICATION_MAX_ATTEMPTS failures the relay stops publishing an e-mail and staff see it in
    the admin.
    """
    from django.core import mail

    claimed = _claim(notification_ids)
    if not claimed:
        return 0  # sent already, or another job is sending them
    stop_at = timezone.now() + NOTIFICATION_CLAIM / 2
    sent: list[Notification] = []
    unrecorded: list[int] = []
    done = 0  # claimed e-mails sent or failed so far; those after them are released when the batch stops
    try:
        with mail.get_connection() as connection:
            for notification in claimed:
                if timezone.now() > stop_at:
                    break  # the rest goes back to the relay well before its claim runs out
                failure = _send_one(notification, connection)
                done += 1
                if failure is not None:
                    _record_failure(notification, failure)
                    continue
                sent.append(notification)
                unrecorded.append(notification.pk)
                if len(unrecorded) == RECORD_EVERY:
                    _record_sent(unrecorded)
                    unrecorded = []
    except DatabaseError:
        raise  # write nothing more: the claims run out and the relay publishes the batch again
    except Exception:
        _record_sent(unrecorded)
        _release(claimed[done:])  # tried by the job's retry or the relay, no attempt counted
        raise
    except BaseException:
        _record_sent(unrecorded)  # a killed worker: the rest stays claimed until its claim runs out
        raise
    _record_sent(unrecorded)
    _release(claimed[done:])
    for notification in sent:
        logger.info("Sent e-mail %s (%s)", notification.pk, notification.kind)  # never the address or body
    return len(sent)


def _send_one(notification: Notification, connection) -> Exception | None:
    """Send one e-mail: None, or the error that failed this e-mail alone (a lost connection is raised)."""
    try:
        message = _message(notification, connection)
    except Exception as exc:  # it cannot be built (e.g. its attachment is gone): its own fault
        return exc
    try:
        message.send()
    except Exception as exc:
        if _connection_failed(exc):
            raise
        return exc
    return None


def _connection_failed(exc: Exception) -> bool:
    """Whether ``exc`` lost the connection to the mail server, rather than refusing one e-mail.

    A refused sender, recipient or message leaves the connection ready for the next e-mail,
    except with code 421 (the server closes it). Anything else on the wire (disconnected, no
    connection, timeout, an SMTP error outside one message) is the connection's.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _reply in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code == 421
    return isinstance(exc, TRANSIENT)


def _record_sent(notification_ids: list[int]) -> None:
    if notification_ids:
        Notification.objects.filter(pk__in=notification_ids).update(sent_at=timezone.now(), body="", claimed_until=None)


def _record_failure(notification: Notification, exc: Exception) -> None:
    logger.warning("E-mail %s (%s) not sent: %s", notification.pk, notification.kind, type(exc).__name__)
    Notification.objects.filter(pk=notification.pk).update(
        attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:255], claimed_until=None
    )


def _release(notifications: list[Notification]) -> None:
    if notifications:
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(claimed_until=None)


def notification_send(notification_id: int) -> bool:
    """Send one pending e-mail; a second delivery of the same one sends nothing (``notifications_send``)."""
    return notifications_send([notification_id]) == 1


def _retry_while_transient(job, send, ids):
    try:
        return send(ids)
    except TRANSIENT as exc:
        raise job.retry(exc=exc, countdown=min(3600, 30 * 2**job.request.retries)) from exc


@shared_task(
    name="tenants.tasks.deliver_notifications", bind=True, max_retries=8, acks_late=True, reject_on_worker_lost=True
)
def notifications_deliver(self, notification_ids: list[int]) -> int:
    """Send a batch of pending e-mails; retried with backoff while the mail server fails, then left for the relay."""
    return _retry_while_transient(self, notifications_send, notification_ids)


@shared_task(
    name="tenants.tasks.deliver_notification", bind=True, max_retries=8, acks_late=True, reject_on_worker_lost=True
)
def notification_deliver(self, notification_id: int) -> bool:
    """Send one pending e-mail, as ``notifications_deliver`` does (messages of one e-mail still name this job)."""
    return _retry_while_transient(self, notification_send, notification_id)


@shared_task(name="tenants.tasks.relay_pending_notifications", acks_late=True)
def notifications_relay(older_than_seconds: int = 60, limit: int = 5000) -> int:
    """Every minute: publish e-mails whose job never reached the broker (e.g. Redis was down).

    A batch of e-mails per message, as when they were written; sending stays once-only:
    ``notifications_send`` claims each row.
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
    for start in range(0, len(pending), DELIVERY_BATCH):
        notifications_deliver.apply_async(args=[pending[start : start + DELIVERY_BATCH]])
    return len(pending)
