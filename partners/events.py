"""Turning domain events into webhook deliveries for the partners they concern."""

from __future__ import annotations

from django.db import transaction

from .deliveries import delivery_create
from .models import Referral, WebhookEndpoint


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
            delivery_create(
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
            delivery_create(
                endpoint=endpoint,
                event_type="company.became_resident",
                event_key=f"company.became_resident:{event_id}:{referral.pk}",
                data=data,
            )


@transaction.atomic
def on_company_stage_changed(sender, company_id, from_stage, to_stage, event_id, **kwargs) -> None:
    for referral in Referral.objects.linked().filter(company_id=company_id).select_related("company", "application"):
        for endpoint in _endpoints(referral.partner_id, "company.stage_changed"):
            data = {
                **referral_data(referral),
                "previous_platform_stage": from_stage or None,
                "platform_stage": to_stage,
            }
            delivery_create(
                endpoint=endpoint,
                event_type="company.stage_changed",
                event_key=f"company.stage_changed:{event_id}:{referral.pk}",
                data=data,
            )
