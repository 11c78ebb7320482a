"""Business actions of the partners app: referrals and webhook endpoints."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campus.models import Campus
from common.jobs import enqueue_on_commit
from tenants.services import application_for_referral

from .choices import Attribution, DeliveryState
from .models import Partner, PartnerToken, Referral, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .webhooks import check_destination, new_secret, next_delay, post


class PartnerError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


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
def referral_attribution_answer(*, referral: Referral, referred: bool, answered_by: str) -> Referral:
    """The applicant says whether this partner referred them. Only the first answer counts."""
    answer = Attribution.CONFIRMED if referred else Attribution.DECLINED
    Referral.objects.filter(pk=referral.pk, attribution=Attribution.PENDING).update(
        attribution=answer, attribution_answered_at=timezone.now(), attribution_answered_by=answered_by
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
        raise PartnerError(_("This endpoint is disabled; register it again to use it."))
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


def delivery_attempt(delivery_id: int) -> WebhookDelivery | None:
    """Make the next attempt of a delivery that is due; anything else (done, not due, taken) is a no-op.

    The due time lives in the database, so a job delivered twice, or late, attempts once.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint__partner")
            .filter(pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            delivery.save(update_fields=["state", "next_attempt_at"])
            return delivery
        body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
        result = post(url=endpoint.url, msg_id=delivery.event_id, body=body, secrets=endpoint.signing_secrets())
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            attempted_at=now,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            response_excerpt=result.excerpt,
            error=result.error,
        )
        if result.succeeded:
            delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.SUCCEEDED, now, None
        elif result.status_code == 410:
            delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
            _disable(endpoint, _("The endpoint answered 410 Gone."))
        else:
            delay = next_delay(delivery.attempts)
            if delay is None:
                delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
                _disable(endpoint, _("Deliveries kept failing for more than a day."))
            else:
                delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
        delivery.save(update_fields=["attempts", "state", "delivered_at", "next_attempt_at"])
    return delivery


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    from .tasks import tell_staff

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason=reason)
    subject = _("Webhook endpoint of %(partner)s disabled") % {"partner": endpoint.partner}
    enqueue_on_commit(tell_staff, subject, f"{endpoint.url}\n{reason}")


def deliveries_due(limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
