"""Webhook events are as durable as the change they report: recorded with it, relayed if not announced."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from partners import events as partner_events
from partners.choices import DeliveryState
from partners.models import Referral, WebhookDelivery
from tenants.models import DomainEvent
from tenants.tasks import events_relay
from tests.campus.factories import CampusFactory


def _partner_with_a_referral(api, httpserver) -> tuple[str, Referral]:
    """Partner A listens on a local receiver and refers a company, whose draft the tests then move."""
    CampusFactory(slug="icampus")
    httpserver.expect_request("/hooks").respond_with_data("ok")
    response = api.post(
        "/api/v1/webhooks/",
        {"url": httpserver.url_for("/hooks"), "event_types": ["referral.status_changed"]},
        format="json",
    )
    assert response.status_code == 201
    referral = {
        "campus": "icampus",
        "company_name": "Neuro Robotics",
        "country": "RU",
        "contact_name": "Ivan",
        "contact_email": "ivan@neuro.example.com",
    }
    assert api.post("/api/v1/referrals/", referral, format="json").status_code == 201
    return response.json()["secret"], Referral.objects.get()


def _withdraw_in_the_admin(staff_client, referral: Referral):
    return staff_client.post(
        f"/admin/tenants/application/{referral.application_id}/transition/",
        {"to": "withdrawn", "reason": "The company changed its plans."},
    )


def _status_events():
    return DomainEvent.objects.filter(type="application.status_changed")


def _a_minute_later():
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=False)


def _relay_a_minute_later():
    with _a_minute_later():
        return events_relay()


def _received(httpserver, secret: str) -> list[dict]:
    return [Webhook(secret).verify(request.get_data(), dict(request.headers)) for request, _ in httpserver.log]


@pytest.mark.django_db(transaction=True)
def test_a_failing_fan_out_after_commit_keeps_the_change_and_the_relay_delivers_once(
    api_a, staff_client, httpserver, monkeypatch, caplog
):
    secret, referral = _partner_with_a_referral(api_a, httpserver)

    def fan_out_fails(**kwargs):
        raise RuntimeError("fan-out failed")

    monkeypatch.setattr(partner_events, "delivery_create", fan_out_fails)
    response = _withdraw_in_the_admin(staff_client, referral)

    assert response.status_code == 302  # the committed change is not turned into an error page
    referral.application.refresh_from_db()
    assert referral.application.status == "withdrawn"
    assert _status_events().get().published_at is None
    assert not WebhookDelivery.objects.exists() and httpserver.log == []
    assert "fan-out failed" in caplog.text

    monkeypatch.undo()
    assert _relay_a_minute_later() == 1
    assert _relay_a_minute_later() == 0  # runs twice, acts once

    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.SUCCEEDED
    assert [event["data"]["status"] for event in _received(httpserver, secret)] == ["withdrawn"]
    assert _status_events().get().published_at is not None


def test_an_event_whose_process_died_after_commit_is_relayed_once(
    api_a, staff_client, httpserver, django_capture_on_commit_callbacks
):
    secret, referral = _partner_with_a_referral(api_a, httpserver)
    with django_capture_on_commit_callbacks(execute=False):  # committed, then the process died
        assert _withdraw_in_the_admin(staff_client, referral).status_code == 302
    assert _status_events().get().published_at is None
    assert not WebhookDelivery.objects.exists()

    assert events_relay() == 0  # a fresh event is left to its own announcement for a minute
    with _a_minute_later(), django_capture_on_commit_callbacks(execute=True):
        assert events_relay() == 1
    with _a_minute_later(), django_capture_on_commit_callbacks(execute=True):
        assert events_relay() == 0  # runs twice, acts once

    assert WebhookDelivery.objects.get().state == DeliveryState.SUCCEEDED
    assert [event["type"] for event in _received(httpserver, secret)] == ["referral.status_changed"]


def test_an_announced_event_is_marked_published_and_not_relayed_again(
    api_a, staff_client, httpserver, django_capture_on_commit_callbacks
):
    secret, referral = _partner_with_a_referral(api_a, httpserver)
    with django_capture_on_commit_callbacks(execute=True):
        _withdraw_in_the_admin(staff_client, referral)

    assert _status_events().get().published_at is not None
    with _a_minute_later(), django_capture_on_commit_callbacks(execute=True):
        assert events_relay() == 0
    assert WebhookDelivery.objects.count() == 1
    assert [event["data"]["status"] for event in _received(httpserver, secret)] == ["withdrawn"]


def test_a_change_rolled_back_leaves_no_event(api_a, httpserver, staff_user):
    from django.db import transaction

    from tenants.services.applications import application_transition

    _secret, referral = _partner_with_a_referral(api_a, httpserver)
    with pytest.raises(RuntimeError), transaction.atomic():
        application_transition(application=referral.application, to="withdrawn", actor=staff_user, reason="x")
        raise RuntimeError("rolled back")

    assert not _status_events().exists()
    assert _relay_a_minute_later() == 0 and not WebhookDelivery.objects.exists()
