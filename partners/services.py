"""Business actions of the partners app: referrals and webhook endpoints."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campus.models import Campus
from common.actors import Actor, actor_label
from common.errors import DomainError
from common.figures import figures_changed
from tenants.services.applications import application_for_referral, applications_matching_referral

from .choices import Attribution
from .deliveries import delivery_create
from .models import Partner, PartnerToken, Referral, WebhookDelivery, WebhookEndpoint
from .webhooks import check_destination, new_secret


# No savepoint of its own (the API stores its response in the same transaction): whatever fails
# here fails the caller's transaction too.
@transaction.atomic(savepoint=False)
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

    The referral comes back with its application, company and campus, so it can be shown without reading.
    """
    # The open application is read with this partner's referral of it, if any, in one statement.
    matching = (
        applications_matching_referral(campus=campus, company_name=company_name)
        .annotate(partner_referral=FilteredRelation("referrals", condition=Q(referrals__partner=partner)))
        .select_related("partner_referral")
    )
    application, created = application_for_referral(
        campus=campus,
        company_name=company_name,
        country=country,
        website=website,
        contact_name=contact_name,
        contact_email=contact_email,
        referred_by=partner.name_en or partner.name,  # a record, in one language whatever the request's
        matching=matching,
    )
    application.campus = campus
    # Left unset, not None, when the partner has not referred the application.
    referral = None if created else getattr(application, "partner_referral", None)
    if referral is None:
        referral = Referral(
            partner=partner,
            application=application,
            company=application.company,
            contact_name=contact_name,
            contact_email=contact_email,
            note=note,
            created_by_token=token,
            attribution=Attribution.STARTED if created else Attribution.PENDING,
        )
        if created:  # a new draft is this transaction's alone
            referral.save(force_insert=True)
        else:  # the partner may refer the open application in another request meanwhile
            referral = _referral_insert(referral)
    referral.application = application
    if referral.company_id == application.company_id:
        referral.company = application.company
    return referral


def _referral_insert(referral: Referral) -> Referral:
    """Insert the referral, or return the one this partner made of the application meanwhile.

    The insert gives way on the (partner, application) constraint instead of failing, so the
    transaction needs no savepoint; reading the row back returns whichever referral is stored.
    """
    Referral.objects.bulk_create([referral], ignore_conflicts=True)
    figures_changed()  # a bulk write sends no signal: the dashboard's figures are told here
    return Referral.objects.get(partner=referral.partner, application=referral.application)


@transaction.atomic
def referral_attribution_answer(*, referral: Referral, referred: bool, actor: Actor) -> Referral:
    """The applicant says whether this partner referred them. Only the first answer counts."""
    answer = Attribution.CONFIRMED if referred else Attribution.DECLINED
    Referral.objects.filter(pk=referral.pk, attribution=Attribution.PENDING).update(
        attribution=answer, attribution_answered_at=timezone.now(), attribution_answered_by=actor_label(actor)
    )
    figures_changed()  # an update sends no signal: the dashboard's figures are told here
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
    if not endpoint.is_active:
        raise DomainError(_("This endpoint is disabled; register it again to use it."))
    key = f"ping:{timezone.now().timestamp()}"
    return delivery_create(endpoint=endpoint, event_type="ping", event_key=key, data={})


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a past delivery again, as a new delivery of the same event."""
    count = WebhookDelivery.objects.filter(replay_of=delivery).count() + 1
    return delivery_create(
        endpoint=delivery.endpoint,
        event_type=delivery.event_type,
        event_key=f"{delivery.event_id}:replay:{count}",
        data=delivery.payload.get("data", {}),
        replay_of=delivery,
    )
