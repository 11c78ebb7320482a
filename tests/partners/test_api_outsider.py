"""Every route that names an object, read from the schema, answers 404 to another partner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partners.deliveries import delivery_create
from partners.models import IdempotencyKey, PartnerToken, Referral, WebhookEndpoint
from partners.tasks import idempotency_keys_prune
from residents.services.requests import service_request_raise
from tests.tenants.factories import ApplicationFactory, CompanyFactory

pytestmark = pytest.mark.django_db

# Routes for campus staff only: every partner token is refused them (403), whatever the object.
STAFF_ONLY = {"service-requests", "milestone-reports", "stage-transitions", "leases", "invoices"}


@pytest.fixture
def objects_of_a(partner_a, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    application = ApplicationFactory()
    referral = Referral.objects.create(
        partner=partner_a,
        application=application,
        company=application.company,
        contact_name="C",
        contact_email="c@e.org",
    )
    endpoint = WebhookEndpoint.objects.create(
        partner=partner_a, url="http://127.0.0.1:9/hook", event_types=["ping"], secret="whsec_c2VjcmV0c2VjcmV0"
    )
    delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="k", data={})
    service_request = service_request_raise(
        company=CompanyFactory(), actor=None, category="it", subject="S", description="c@e.org"
    )
    report, move = _stage_data()
    invoice = _invoice()
    resource = _resource_of(partner_a)
    return {
        "resources": resource.pk,
        "leases": invoice.lease_id,
        "invoices": invoice.pk,
        "milestone-reports": report.pk,
        "stage-transitions": move.pk,
        "referrals": referral.pk,
        "webhooks": endpoint.pk,
        "webhook-deliveries": delivery.pk,
        "service-requests": service_request.pk,
    }


def _resource_of(partner):
    from tests.residents.feeds_setup import resource_of

    company = CompanyFactory()
    partner.campuses.add(company.campus)
    return resource_of(company.campus, "Meeting room Orion")


def _stage_data():
    from residents.models import MilestoneReport, StageMilestone, StageTransition

    company = CompanyFactory()
    milestone = StageMilestone.objects.create(
        campus=company.campus, stage="incubation", title_en="M", title_zh_hans="M"
    )
    report = MilestoneReport.objects.create(company=company, milestone=milestone, note="c@e.org")
    return report, StageTransition.objects.create(company=company, to_stage="incubation", reason="c@e.org")


def _invoice():
    from residents.services.invoices import credit_note_issue
    from tests.residents.billing_setup import invoiced

    [invoice] = invoiced(CompanyFactory())
    credit_note_issue(invoice=invoice, reason="c@e.org", actor=None)
    return invoice


def test_every_object_route_in_the_schema_is_404_for_an_outsider(client, api_b, objects_of_a):
    schema = client.get("/api/schema/?format=json").json()
    checked = 0
    for template, operations in schema["paths"].items():
        if "{id}" not in template:
            continue
        resource = template.split("/")[3]
        assert resource in objects_of_a, f"no object of partner A to probe {template} with; add one"
        path = template.replace("{id}", str(objects_of_a[resource]))
        for method in operations:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            response = getattr(api_b, method)(path, {}, format="json")
            expected = 403 if resource in STAFF_ONLY else 404
            assert response.status_code == expected, (method, path, response.status_code)
            assert b"c@e.org" not in response.content and b"whsec_" not in response.content
            checked += 1
    assert checked >= 6
    assert WebhookEndpoint.objects.count() == 1 and Referral.objects.count() == 1


def test_expired_idempotency_keys_are_pruned(partner_a, api_a, settings):
    token = PartnerToken.objects.get(partner=partner_a)
    old = IdempotencyKey.objects.create(
        token=token,
        key="old",
        method="POST",
        path="/",
        request_hash="x",
        created_at=timezone.now() - dt.timedelta(hours=25),
    )
    fresh = IdempotencyKey.objects.create(token=token, key="fresh", method="POST", path="/", request_hash="x")

    assert idempotency_keys_prune() == 1
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
    assert IdempotencyKey.objects.filter(pk=fresh.pk).exists()
