"""Turning domain events into webhook deliveries for the partners they concern."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from common.jobs import enqueue_on_commit

from .models import Referral, WebhookDelivery, WebhookEndpoint


def _event_id(key: str) -> str:
    """A stable message id for an event, so the same event is queued once per endpoint."""
    return "msg_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def queue_delivery(
    *, endpoint: WebhookEndpoint, event_type: str, event_key: str, data: dict, replay_of=None
) -> WebhookDelivery:
    """Record a delivery due now and publish its job after commit. The same event twice is queued once."""
    from .tasks import deliver_webhook

    event_id = _event_id(f"{endpoint.pk}:{event_key}")
    now = timezone.now()
    payload = {"type": event_type, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data}
    delivery, created = WebhookDelivery.objects.get_or_create(
        endpoint=endpoint,
        event_id=event_id,
        defaults={"event_type": event_type, "payload": payload, "next_attempt_at": now, "replay_of": replay_of},
    )
    if not created:
        return delivery  # the same event was queued for this endpoint already
    enqueue_on_commit(deliver_webhook, delivery.pk)
    return delivery


def _endpoints(partner_id: int, event_type: str):
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(partner_id=partner_id, is_active=True)
        if event_type in endpoint.event_types
    ]


def referral_data(referral: Referral) -> dict:
    return {
        "referral_id": referral.pk,
        "company": referral.company.name,
        "status": referral.application.status,
    }


@transaction.atomic
def on_application_status_changed(sender, application_id, from_status, to_status, transition_id, **kwargs) -> None:
    referrals = Referral.objects.linked().filter(application_id=application_id).select_related("company", "application")
    for referral in referrals:
        for endpoint in _endpoints(referral.partner_id, "referral.status_changed"):
            data = {**referral_data(referral), "previous_status": from_status, "status": to_status}
            queue_delivery(
                endpoint=endpoint,
                event_type="referral.status_changed",
                event_key=f"referral.status_changed:{referral.pk}:{transition_id}",
                data=data,
            )


@transaction.atomic
def on_company_became_resident(sender, company_id, event_id, **kwargs) -> None:
    for referral in Referral.objects.linked().filter(company_id=company_id).select_related("company", "application"):
        for endpoint in _endpoints(referral.partner_id, "company.became_resident"):
            since = referral.company.resident_since
            data = {**referral_data(referral), "resident_since": since.isoformat() if since else None}
            queue_delivery(
                endpoint=endpoint,
                event_type="company.became_resident",
                event_key=f"company.became_resident:{event_id}:{referral.pk}",
                data=data,
            )
