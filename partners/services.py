"""Business actions of the partners app: referrals and webhook endpoints."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campus.models import Campus
from common.actors import Actor, actor_label
from common.errors import DomainError
from tenants.notifications import notify_staff
from tenants.services.applications import application_for_referral

from .choices import Attribution, DeliveryState
from .models import Partner, PartnerToken, Referral, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .webhooks import AttemptResult, check_destination, new_secret, next_delay, post

logger = logging.getLogger(__name__)


@transaction.atomic
def referral_create(
    *,
    partner: Partner,
    campus: Campus,
    company_name: str,
    country: str,
    contact_name: str,
    contact_email: str,
    website: str = "",
    note: str = "",
    token: PartnerToken | None = None,
) -> Referral:
    """Refer a company: start its draft and invite the contact, or, when the company already has an
    application, wait for its applicant to confirm the referral. Repeating a referral returns the first.
    """
    application, created = application_for_referral(
        campus=campus,
        company_name=company_name,
        country=country,
        website=website,
        contact_name=contact_name,
        contact_email=contact_email,
        referred_by=partner.name,
    )
    referral, _created = Referral.objects.get_or_create(
        partner=partner,
        application=application,
        defaults={
            "company": application.company,
            "contact_name": contact_name,
            "contact_email": contact_email,
            "note": note,
            "created_by_token": token,
            "attribution": Attribution.STARTED if created else Attribution.PENDING,
        },
    )
    return referral


@transaction.atomic
def referral_attribution_answer(*, referral: Referral, referred: bool, actor: Actor) -> Referral:
    """The applicant says whether this partner referred them. Only the first answer counts."""
    answer = Attribution.CONFIRMED if referred else Attribution.DECLINED
    Referral.objects.filter(pk=referral.pk, attribution=Attribution.PENDING).update(
        attribution=answer, attribution_answered_at=timezone.now(), attribution_answered_by=actor_label(actor)
    )
    referral.refresh_from_db()
    return referral


@transaction.atomic
def webhook_register(*, partner: Partner, url: str, event_types: list[str], description: str = "") -> WebhookEndpoint:
    """Register an endpoint after checking where its URL really points; the secret is generated here."""
    check_destination(url)
    return WebhookEndpoint.objects.create(
        partner=partner, url=url, event_types=event_types, description=description, secret=new_secret()
    )


@transaction.atomic
def webhook_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; the old one keeps signing too for WEBHOOK_SECRET_OVERLAP_HOURS."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + dt.timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint


def webhook_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    from .events import queue_delivery

    if not endpoint.is_active:
        raise DomainError(_("This endpoint is disabled; register it again to use it."))
    return queue_delivery(endpoint=endpoint, event_type="ping", event_key=f"ping:{timezone.now().timestamp()}", data={})


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a past delivery again, as a new delivery of the same event."""
    from .events import queue_delivery

    count = WebhookDelivery.objects.filter(replay_of=delivery).count() + 1
    return queue_delivery(
        endpoint=delivery.endpoint,
        event_type=delivery.event_type,
        event_key=f"{delivery.event_id}:replay:{count}",
        data=delivery.payload.get("data", {}),
        replay_of=delivery,
    )


# How long an attempt owns its delivery: well beyond WEBHOOK_TIMEOUT_SECONDS. A worker that dies
# mid-attempt leaves the delivery due again after this, for the sweep to publish.
DELIVERY_CLAIM = dt.timedelta(seconds=60)


def delivery_attempt(delivery_id: int) -> WebhookDelivery | None:
    """Make the next attempt of a delivery that is due; anything else (done, not due, taken) is a no-op.

    Claim, send, record: the due time lives in the database, and a conditional update moving it
    forward by DELIVERY_CLAIM claims the delivery (a job delivered twice, or late, attempts once).
    The POST runs with no transaction open and no row locked; then the attempt and its outcome are
    recorded.
    """
    now = timezone.now()
    claimed_until = now + max(DELIVERY_CLAIM, dt.timedelta(seconds=3 * settings.WEBHOOK_TIMEOUT_SECONDS))
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=claimed_until)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint__partner").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk, next_attempt_at=claimed_until).update(
            state=DeliveryState.FAILED, next_attempt_at=None
        )
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
        return delivery
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    result = post(url=endpoint.url, msg_id=delivery.event_id, body=body, secrets=endpoint.signing_secrets())
    try:
        with transaction.atomic():
            _record_attempt(delivery, result, attempted_at=now, claimed_until=claimed_until)
    except Exception:
        # The answer could not be stored: log it, and keep the delivery on its retry schedule
        # rather than leave it to be sent again, unrecorded, every time its claim runs out.
        logger.exception("Could not record the attempt of webhook delivery %s", delivery.pk)
        unstored = AttemptResult(result.status_code, result.duration_ms, "", _("The answer could not be stored."))
        with transaction.atomic():
            _record_attempt(delivery, unstored, attempted_at=now, claimed_until=claimed_until, succeeded=False)
    return delivery


def _record_attempt(
    delivery: WebhookDelivery,
    result: AttemptResult,
    *,
    attempted_at: dt.datetime,
    claimed_until: dt.datetime,
    succeeded: bool | None = None,
) -> None:
    """Log the attempt and move the delivery on: succeeded, failed, or due again on the retry schedule."""
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=attempted_at,
        status_code=result.status_code,
        duration_ms=result.duration_ms,
        response_excerpt=result.excerpt,
        error=result.error,
    )
    attempts, delivered_at, disable_because = delivery.attempts + 1, None, ""
    if result.succeeded if succeeded is None else succeeded:
        state, delivered_at, next_attempt_at = DeliveryState.SUCCEEDED, attempted_at, None
    elif result.status_code == 410:
        state, next_attempt_at = DeliveryState.FAILED, None
        disable_because = _("The endpoint answered 410 Gone.")
    elif (delay := next_delay(attempts)) is None:
        state, next_attempt_at = DeliveryState.FAILED, None
        disable_because = _("Deliveries kept failing for more than a day.")
    else:
        state, next_attempt_at = DeliveryState.PENDING, attempted_at + dt.timedelta(seconds=delay)
    # Only while the claim is ours: once it ran out, a later attempt owns the delivery's outcome.
    moved = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.PENDING, next_attempt_at=claimed_until
    ).update(attempts=attempts, state=state, delivered_at=delivered_at, next_attempt_at=next_attempt_at)
    if not moved:
        logger.warning("Webhook delivery %s was claimed again before its attempt was recorded", delivery.pk)
        return
    if disable_because:
        _disable(delivery.endpoint, disable_because)
    delivery.attempts, delivery.state, delivery.delivered_at = attempts, state, delivered_at
    delivery.next_attempt_at = next_attempt_at


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    """Turn the endpoint off and tell the portal's staff, through the e-mail outbox."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason=reason)
    notify_staff(
        campus=None,
        kind="partners:webhook_disabled",
        template="partners/email/webhook_disabled",
        context={"partner": str(endpoint.partner), "url": endpoint.url, "reason": reason},
    )


def deliveries_due(limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
