"""The partners at work in the demo: referrals of demo applicants, and webhook endpoints with deliveries.

Referrals are made through ``referral_create`` when a demo application starts (the ``started``
step of ``tenants.demo_history``) and confirmed by the applicant. The endpoints' addresses are on
the reserved ``.invalid`` domain and their deliveries are written as history (attempted, with
their answers), never sent: nothing is contacted while seeding. One endpoint keeps failing, so the
admin shows a delivery waiting for its next attempt. Running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from campus.models import Campus
from tenants.events import event_publish
from tenants.models import DomainEvent

from .choices import DeliveryState
from .deliveries import _event_id
from .events import referral_data
from .models import Partner, Referral, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .services import referral_attribution_answer, referral_create
from .webhooks import new_secret


def referral_hook(campus: Campus):
    """The ``started`` step of ``tenants.demo_history``: the story's partner refers the new applicant."""
    partners = list(Partner.objects.filter(campuses=campus).order_by("name"))

    def hook(application, story, when) -> None:
        if story.partner is None or not partners:
            return
        contact = application.contacts.get(is_primary=True)
        referral = referral_create(
            partner=partners[story.partner % len(partners)],
            campus=campus,
            company_name=application.company.name,
            country=str(application.company.country),
            contact_name=contact.name,
            contact_email=contact.email,
            note="Demo referral: an invented company.",
        )
        referral_attribution_answer(referral=referral, referred=True, actor=contact.email)
        Referral.objects.filter(pk=referral.pk).update(created_at=when, attribution_answered_at=when)

    return hook


#: (partner position, answer of its endpoint to the latest event): the second one has begun failing.
ENDPOINTS = [(0, 200), (1, 503)]
EVENT_TYPES = ["referral.status_changed", "company.became_resident", "company.stage_changed"]


def _announce_pending_events() -> None:
    """Announce the seed's domain events now, before the demo endpoints exist, so that none of them
    queues a real delivery after commit (the announcement of a published event is a no-op)."""
    for event_id in DomainEvent.objects.filter(published_at=None).order_by("pk").values_list("pk", flat=True):
        event_publish(event_id)


@transaction.atomic
def webhooks_load(campus: Campus) -> list[WebhookDelivery]:
    """An endpoint for two partners, and a delivery recorded for each move of their referrals' applications."""
    _announce_pending_events()
    partners = list(Partner.objects.filter(campuses=campus).order_by("name"))
    recorded = []
    for position, status_code in ENDPOINTS if len(partners) > 1 else []:
        partner = partners[position]
        endpoint, _created = WebhookEndpoint.objects.get_or_create(
            partner=partner,
            url=f"https://{partner.slug}.demo.invalid/icampus/webhooks",
            defaults={
                "description": "Demo endpoint: never contacted",
                "event_types": EVENT_TYPES,
                "secret": new_secret(),
            },
        )
        referrals = Referral.objects.linked().filter(partner=partner).select_related("application", "company")
        moves = [
            (referral, move)
            for referral in referrals
            for move in referral.application.transitions.filter(created_at__gte=referral.created_at)
        ]
        moves.sort(key=lambda pair: pair[1].created_at)
        for index, (referral, move) in enumerate(moves):
            # The receiver worked until the latest event, which it has been refusing since.
            answer = status_code if index == len(moves) - 1 else 200
            recorded.append(_delivery(endpoint, referral, move, answer))
    return recorded


def _delivery(endpoint: WebhookEndpoint, referral: Referral, move, status_code: int) -> WebhookDelivery:
    data = {**referral_data(referral), "previous_status": move.from_status, "status": move.to_status}
    when = move.created_at + dt.timedelta(seconds=5)
    delivered = status_code < 300
    delivery, created = WebhookDelivery.objects.get_or_create(
        endpoint=endpoint,
        event_id=_event_id(f"{endpoint.pk}:referral.status_changed:{referral.pk}:{move.pk}"),
        defaults={
            "event_type": "referral.status_changed",
            "payload": {"type": "referral.status_changed", "timestamp": when.isoformat(), "data": data},
            "state": DeliveryState.SUCCEEDED if delivered else DeliveryState.PENDING,
            "attempts": 1 if delivered else 3,
            "created_at": when,
            "delivered_at": when if delivered else None,
            # Due again later: the address is on .invalid, so a worker's attempt fails without contacting anyone.
            "next_attempt_at": None if delivered else timezone.now() + dt.timedelta(hours=1),
        },
    )
    if created:
        for attempt in range(delivery.attempts):
            WebhookAttempt.objects.create(
                delivery=delivery,
                attempted_at=when + dt.timedelta(minutes=10 * attempt),
                status_code=status_code,
                duration_ms=120 + 40 * attempt,
                response_excerpt='{"ok": true}' if delivered else "Service Unavailable",
            )
    return delivery
