"""With Redis down, applicants and partners are served as usual; e-mail goes out once it is back.

The test runs its own Redis (cache and Celery broker at once, as in production), kills it with
SIGKILL in the middle, drives the public forms and the partner API over HTTP, then restarts it.
"""

from __future__ import annotations

import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client, override_settings

from tenants.choices import ApplicationStatus
from tenants.models import Application, Notification
from tenants.notifications import notifications_relay
from tests.caches import redis_caches
from tests.campus.factories import CampusFactory
from tests.partners.factories import PartnerFactory, client_with, token_for
from tests.tenants.helpers import fill_draft

# Each test starts its own redis-server (own_redis), so it runs without REDIS_URL too.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_everywhere(own_redis, broker, settings):
    """The cache and the Celery broker both on the test's own Redis, as in a deployment."""
    settings.CELERY_BROKER_URL = own_redis.url
    settings.API_THROTTLE_RATE = "20/day"
    with override_settings(CACHES=redis_caches(own_redis.url, OUTAGE_RETRY_SECONDS=1)):
        broker.at(own_redis.url)
        yield own_redis


def _wait_until(condition, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def test_with_redis_down_applicants_and_partners_are_served_and_mail_goes_out_once_it_is_back(
    client, redis_everywhere, broker, caplog
):
    campus = CampusFactory(slug="icampus")
    partner = PartnerFactory(name="Skolkovo Innovation Center")
    api = client_with(token_for(partner))
    assert api.get("/api/v1/campuses/").status_code == 200
    assert redis_everywhere.client().keys("portal:*api-throttle*"), "the throttle counts in Redis while it is up"

    redis_everywhere.kill()
    started = time.monotonic()
    caplog.set_level(logging.WARNING, logger="common.cache")

    # An applicant fills in the form, submits it and asks for a new link.
    fill_draft(client, campus)
    response = client.post("/apply/review/", follow=True)
    assert response.status_code == 200
    assert "Your application has been submitted" in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    assert client.post("/apply/link/", {"email": "ada@helix.example.com"}).status_code == 200

    # A partner reads and refers, with an idempotency key that still replays.
    for path in ("/api/v1/me/", "/api/v1/campuses/", "/api/v1/spaces/", "/api/v1/companies/", "/api/v1/referrals/"):
        assert api.get(path).status_code == 200, path
    referral = {
        "campus": "icampus",
        "company_name": "Neuro Robotics",
        "country": "RU",
        "contact_name": "Ivan Petrov",
        "contact_email": "ivan@neuro.example.com",
    }
    first = api.post("/api/v1/referrals/", referral, format="json", HTTP_IDEMPOTENCY_KEY="ref-1")
    again = api.post("/api/v1/referrals/", referral, format="json", HTTP_IDEMPOTENCY_KEY="ref-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"

    # Public pages for a new visitor, and a sign-in form that counts attempts.
    visitor = Client()
    for path in ("/", "/apply/", "/apply/link/", "/partners/", f"/campuses/{campus.slug}/", "/advisory/login/"):
        assert visitor.get(path).status_code == 200, path
    assert visitor.post("/advisory/login/", {"username": "x", "password": "wrong password"}).status_code == 200

    # Limits still apply, counted in this process: five link requests an hour, 20 API calls a day.
    link_answers = [client.post("/apply/link/", {"email": "nobody@example.com"}).status_code for _ in range(5)]
    assert link_answers == [200, 200, 200, 200, 429]
    api_answers = [api.get("/api/v1/campuses/") for _ in range(15)]
    assert [r.status_code for r in api_answers] == [200] * 13 + [429, 429]
    assert int(api_answers[-1]["Retry-After"]) >= 1

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert {"cache", "broker"} <= set(ready.json()["failing"])

    assert time.monotonic() - started < 60, "requests must not wait on Redis one after another"
    warnings = [r for r in caplog.records if r.name == "common.cache" and r.levelno == logging.WARNING]
    assert len(warnings) == 1, "one warning per outage, not one per request"
    assert "Redis cache unreachable" in warnings[0].getMessage()

    pending = Notification.objects.filter(sent_at__isnull=True)
    assert pending.count() >= 2 and mail.outbox == []

    # Redis comes back (empty, on the same port): the cache uses it again, the relay publishes
    # the e-mails to it, and a worker consuming from it sends each of them once.
    redis_everywhere.start()
    from django.core.cache import cache

    def cache_uses_redis() -> bool:
        cache.set("back", "1")
        return bool(redis_everywhere.client().exists("portal:1:back"))

    _wait_until(cache_uses_redis, 10, "the cache did not return to Redis")
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"

    waiting = pending.count()  # counted before a worker can send any
    with start_worker(broker.app, perform_ping_check=False, shutdown_timeout=10):
        assert notifications_relay(older_than_seconds=0) == waiting
        notifications_relay(older_than_seconds=0)  # a second run before the first is done
        _wait_until(lambda: not pending.exists(), 30, "the relayed e-mails were not sent")

    confirmations = [m for m in mail.outbox if "We received the application of Helix Diagnostics" in m.subject]
    assert [m.to for m in confirmations] == [["ada@helix.example.com"]]
    assert len(mail.outbox) == Notification.objects.count()


def test_a_token_revoked_while_redis_does_not_answer_stays_refused_once_it_does(redis_everywhere):
    """The revocation's cache deletion missed Redis; it is replayed before Redis is used again."""
    import signal

    from partners.models import PartnerToken
    from partners.tokens import partner_token_revoke

    api = client_with(token_for(PartnerFactory()))
    assert api.get("/api/v1/me/").status_code == 200  # the token is now cached in Redis
    redis_everywhere.process.send_signal(signal.SIGSTOP)  # alive but silent: every call times out
    try:
        assert api.get("/api/v1/me/").status_code == 200
        partner_token_revoke(token=PartnerToken.objects.get())
        assert api.get("/api/v1/me/").status_code == 401
    finally:
        redis_everywhere.process.send_signal(signal.SIGCONT)
    time.sleep(1.2)  # past OUTAGE_RETRY_SECONDS: Redis is asked again

    assert [api.get("/api/v1/me/").status_code for _ in range(3)] == [401, 401, 401]
