"""Signed webhooks to a real receiver on loopback, verified with the standardwebhooks library."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core import mail
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from werkzeug import Response

from partners.choices import DeliveryState
from partners.deliveries import deliveries_sweep, delivery_attempt
from partners.models import Referral, WebhookDelivery, WebhookEndpoint
from partners.services import webhook_register
from partners.webhooks import UnsafeDestination, check_destination
from tests.campus.factories import CampusFactory

pytestmark = pytest.mark.django_db


def _register(api, url, events=("referral.status_changed", "company.became_resident", "ping")):
    response = api.post("/api/v1/webhooks/", {"url": url, "event_types": list(events)}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _headers(request) -> dict:
    return {k.lower(): v for k, v in request.headers.items()}


def test_ping_is_signed_so_the_standard_library_verifies_it(api_a, httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_request("/hooks", method="POST").respond_with_data("ok")
    endpoint = _register(api_a, httpserver.url_for("/hooks"))
    assert endpoint["secret"].startswith("whsec_")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post(f"/api/v1/webhooks/{endpoint['id']}/ping/")
    assert response.status_code == 202

    request, _response = httpserver.log[0]
    payload = Webhook(endpoint["secret"]).verify(request.get_data(), _headers(request))
    assert payload["type"] == "ping" and "timestamp" in payload and "data" in payload
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.SUCCEEDED and delivery.attempt_log.get().status_code == 200
    # A re-serialised body no longer verifies: the raw bytes are what is signed.
    reserialised = json.dumps(json.loads(request.get_data()), indent=2).encode()
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(reserialised, _headers(request))


def test_during_rotation_both_secrets_sign(api_a, httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_request("/hooks").respond_with_data("ok")
    old = _register(api_a, httpserver.url_for("/hooks"))
    new = api_a.post(f"/api/v1/webhooks/{old['id']}/rotate-secret/").json()

    with django_capture_on_commit_callbacks(execute=True):
        api_a.post(f"/api/v1/webhooks/{old['id']}/ping/")

    request, _response = httpserver.log[0]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(old["secret"]).verify(request.get_data(), _headers(request))
    Webhook(new["secret"]).verify(request.get_data(), _headers(request))


def test_partners_receive_only_events_about_their_own_referrals(
    api_a, api_b, partner_a, httpserver, staff_user, django_capture_on_commit_callbacks
):
    from tenants.services.applications import application_transition

    CampusFactory(slug="icampus")
    httpserver.expect_request("/a").respond_with_data("ok")
    httpserver.expect_request("/b").respond_with_data("ok")
    secret_a = _register(api_a, httpserver.url_for("/a"))["secret"]
    _register(api_b, httpserver.url_for("/b"))
    api_a.post(
        "/api/v1/referrals/",
        {
            "campus": "icampus",
            "company_name": "Neuro Robotics",
            "country": "RU",
            "contact_name": "Ivan",
            "contact_email": "ivan@neuro.example.com",
        },
        format="json",
    )
    application = Referral.objects.get().application
    application.completed_steps = ["company", "contacts", "profile", "needs", "documents"]
    application.save()

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to="withdrawn", actor=staff_user, reason="Changed plans.")

    paths = [request.path for request, _response in httpserver.log]
    assert paths == ["/a"]
    request, _response = httpserver.log[0]
    event = Webhook(secret_a).verify(request.get_data(), _headers(request))
    assert event["type"] == "referral.status_changed"
    assert event["data"]["status"] == "withdrawn" and event["data"]["previous_status"] == "draft"


def test_failures_are_retried_on_the_database_schedule_with_every_attempt_logged(api_a, httpserver):
    httpserver.expect_request("/flaky").respond_with_data("boom", status=500)
    endpoint = WebhookEndpoint.objects.get(pk=_register(api_a, httpserver.url_for("/flaky"))["id"])
    from partners.deliveries import delivery_create

    start = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="p1", data={})
        delivery_attempt(delivery.pk)
        delivery_attempt(delivery.pk)  # not due again yet: nothing happens
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.state == DeliveryState.PENDING
    assert 4.5 <= (delivery.next_attempt_at - start).total_seconds() <= 5.5  # 5 s ± 10 % jitter

    with time_machine.travel(start + dt.timedelta(seconds=6), tick=False):
        assert deliveries_sweep() == 1  # due: published and attempted in-process
    delivery.refresh_from_db()
    log = list(delivery.attempt_log.values_list("status_code", "response_excerpt"))
    assert log == [(500, "boom"), (500, "boom")]
    assert 270 <= (delivery.next_attempt_at - (start + dt.timedelta(seconds=6))).total_seconds() <= 330


def test_retries_span_more_than_a_day_then_give_up_and_disable_the_endpoint(
    api_a, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.CAMPUS_STAFF_EMAILS = ["staff@campus.example.org"]
    httpserver.expect_request("/down").respond_with_data("nope", status=503)
    endpoint = WebhookEndpoint.objects.get(pk=_register(api_a, httpserver.url_for("/down"))["id"])
    from partners.deliveries import delivery_create

    clock = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    with time_machine.travel(clock, tick=False):
        delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="p2", data={})
    first = clock
    while True:
        with time_machine.travel(clock, tick=False), django_capture_on_commit_callbacks(execute=True):
            delivery_attempt(delivery.pk)
        delivery.refresh_from_db()
        if delivery.state != DeliveryState.PENDING:
            break
        clock = delivery.next_attempt_at

    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 8
    assert clock - first > dt.timedelta(hours=24)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "more than a day" in endpoint.disabled_reason
    assert any("disabled" in m.subject for m in mail.outbox)


@pytest.mark.parametrize(
    ("answer", "stored"),
    [
        (b"ok\x00bad", "ok\ufffdbad"),
        (b"x" * 1_000_000, "x" * 500),
        (b"\x1b[31mred\x1b[0m \xff", "\ufffd[31mred\ufffd[0m \ufffd"),
    ],
    ids=["nul-byte", "huge", "control-characters-and-bad-utf8"],
)
def test_a_receivers_answer_is_stored_cleaned_and_cut(
    api_a, httpserver, django_capture_on_commit_callbacks, answer, stored
):
    httpserver.expect_request("/hooks").respond_with_data(answer)
    endpoint = _register(api_a, httpserver.url_for("/hooks"))

    with django_capture_on_commit_callbacks(execute=True):
        assert api_a.post(f"/api/v1/webhooks/{endpoint['id']}/ping/").status_code == 202

    delivery = api_a.get(f"/api/v1/webhook-deliveries/{WebhookDelivery.objects.get().pk}/").json()
    assert delivery["state"] == "succeeded"
    assert [(a["status_code"], a["response_excerpt"]) for a in delivery["attempt_log"]] == [(200, stored)]


@pytest.mark.postgres
def test_an_answer_that_cannot_be_stored_follows_the_retry_schedule_and_ends_failed(
    api_a, httpserver, monkeypatch, django_capture_on_commit_callbacks
):
    from partners import webhooks
    from partners.deliveries import delivery_create

    monkeypatch.setattr(webhooks, "printable", lambda text, limit: text)  # uncleaned: PostgreSQL refuses the NUL
    httpserver.expect_request("/nul").respond_with_data(b"ok\x00bad")
    endpoint = WebhookEndpoint.objects.get(pk=_register(api_a, httpserver.url_for("/nul"))["id"])
    clock = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    with time_machine.travel(clock, tick=False):
        delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="nul", data={})

    while delivery.state == DeliveryState.PENDING:
        with time_machine.travel(clock, tick=False), django_capture_on_commit_callbacks(execute=True):
            assert delivery_attempt(delivery.pk) is not None
        delivery.refresh_from_db()
        clock = delivery.next_attempt_at or clock

    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 8
    log = set(delivery.attempt_log.values_list("status_code", "error"))
    assert log == {(200, "The answer could not be stored.")} and delivery.attempt_log.count() == 8


def test_a_worker_that_dies_mid_attempt_leaves_the_delivery_due_again_after_its_claim(api_a, httpserver, monkeypatch):
    from partners import deliveries
    from partners.deliveries import delivery_create

    httpserver.expect_request("/hooks").respond_with_data("ok")
    endpoint = WebhookEndpoint.objects.get(pk=_register(api_a, httpserver.url_for("/hooks"))["id"])
    start = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="killed", data={})
        with monkeypatch.context() as patched:
            patched.setattr(deliveries, "post", lambda **kwargs: (_ for _ in ()).throw(SystemExit("worker killed")))
            with pytest.raises(SystemExit):
                delivery_attempt(delivery.pk)
        assert deliveries_sweep() == 0  # claimed by the dead worker: not sent twice at once

    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SUCCEEDED and len(httpserver.log) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_receiver_answers(partner_a, httpserver):
    """While the receiver handles the POST, another connection can lock the delivery's row at once."""
    from django.db import DatabaseError, connection, transaction
    from django.utils import timezone

    from partners import services

    probes = []

    def probe_row_lock(request):
        try:
            with transaction.atomic():
                list(WebhookDelivery.objects.select_for_update(nowait=True).filter(event_id="evt_lock"))
            probes.append("free")
        except DatabaseError:
            probes.append("locked")
        finally:
            connection.close()
        return Response("ok")

    httpserver.expect_request("/hooks").respond_with_handler(probe_row_lock)
    endpoint = services.webhook_register(partner=partner_a, url=httpserver.url_for("/hooks"), event_types=["ping"])
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id="evt_lock", event_type="ping", payload={}, next_attempt_at=timezone.now()
    )

    assert delivery_attempt(delivery.pk).state == DeliveryState.SUCCEEDED
    assert probes == ["free"]


def test_410_disables_and_redirects_are_not_followed(api_a, httpserver):
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    httpserver.expect_request("/moved").respond_with_response(
        Response("", status=301, headers={"Location": httpserver.url_for("/elsewhere")})
    )
    gone = WebhookEndpoint.objects.get(pk=_register(api_a, httpserver.url_for("/gone"))["id"])
    moved = WebhookEndpoint.objects.get(pk=_register(api_a, httpserver.url_for("/moved"))["id"])
    from partners.deliveries import delivery_create

    delivery_attempt(delivery_create(endpoint=gone, event_type="ping", event_key="g", data={}).pk)
    redirected = delivery_create(endpoint=moved, event_type="ping", event_key="m", data={})
    delivery_attempt(redirected.pk)

    gone.refresh_from_db()
    assert not gone.is_active and "410" in gone.disabled_reason
    redirected.refresh_from_db()
    assert redirected.state == DeliveryState.PENDING and redirected.attempt_log.get().status_code == 301
    assert "/elsewhere" not in [request.path for request, _ in httpserver.log]


def test_a_disabled_endpoint_is_told_to_staff_through_the_email_outbox(
    api_a, httpserver, settings, django_capture_on_commit_callbacks
):
    from partners.deliveries import delivery_create
    from tenants.models import Notification
    from tenants.notifications import notifications_relay

    settings.CAMPUS_STAFF_EMAILS = ["staff@campus.example.org", "ops@campus.example.org"]
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    url = httpserver.url_for("/gone")
    endpoint = WebhookEndpoint.objects.select_related("partner").get(pk=_register(api_a, url)["id"])
    delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="gone", data={})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False):  # the broker never gets the job
        delivery_attempt(delivery.pk)

    assert mail.outbox == []
    written = Notification.objects.filter(sent_at__isnull=True, recipient__endswith="@campus.example.org")
    assert sorted(written.values_list("recipient", flat=True)) == ["ops@campus.example.org", "staff@campus.example.org"]
    assert notifications_relay(older_than_seconds=0) == 2  # the relay sends what the broker missed
    assert sorted(m.to for m in mail.outbox) == [["ops@campus.example.org"], ["staff@campus.example.org"]]
    assert {m.subject for m in mail.outbox} == {f"Webhook endpoint of {endpoint.partner} disabled"}
    assert {m.body for m in mail.outbox} == {f"{url}\nThe endpoint answered 410 Gone."}
    assert notifications_relay(older_than_seconds=0) == 0  # sent once


def test_a_partner_replays_a_delivery(api_a, httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_request("/hooks").respond_with_data("ok")
    endpoint = _register(api_a, httpserver.url_for("/hooks"))
    with django_capture_on_commit_callbacks(execute=True):
        api_a.post(f"/api/v1/webhooks/{endpoint['id']}/ping/")
    original = WebhookDelivery.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post(f"/api/v1/webhook-deliveries/{original.pk}/replay/")

    assert response.status_code == 202
    assert len(httpserver.log) == 2
    assert WebhookDelivery.objects.get(replay_of=original).state == DeliveryState.SUCCEEDED


def test_another_partners_webhooks_and_deliveries_are_404(api_a, api_b, httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_request("/hooks").respond_with_data("ok")
    endpoint = _register(api_a, httpserver.url_for("/hooks"))
    with django_capture_on_commit_callbacks(execute=True):
        api_a.post(f"/api/v1/webhooks/{endpoint['id']}/ping/")
    delivery = WebhookDelivery.objects.get()

    assert api_b.delete(f"/api/v1/webhooks/{endpoint['id']}/").status_code == 404
    assert api_b.post(f"/api/v1/webhooks/{endpoint['id']}/ping/").status_code == 404
    assert api_b.get(f"/api/v1/webhook-deliveries/{delivery.pk}/").status_code == 404
    assert api_b.post(f"/api/v1/webhook-deliveries/{delivery.pk}/replay/").status_code == 404
    assert api_b.get("/api/v1/webhook-deliveries/").json()["results"] == []
    assert WebhookEndpoint.objects.filter(pk=endpoint["id"]).exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://0x7f000001/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.10/hook",
        "https://localhost/hook",
        "file:///etc/passwd",
        "ftp://example.org/hook",
        "https://user:pass@example.org/hook",
        # IPv6 addresses that carry a private IPv4 address: 6to4, NAT64, Teredo, IPv4-mapped.
        "https://[2002:a00:5::1]/hook",
        "https://[2002:a9fe:a9fe::]/hook",
        "https://[64:ff9b::a9fe:a9fe]/hook",
        "https://[64:ff9b::7f00:1]/hook",
        "https://[2001:0:5db8:d822::f5ff:fffa]/hook",
        "https://[::ffff:10.0.0.5]/hook",
        "https://[::ffff:7f00:1]/hook",
        # A public address, but not HTTPS's port.
        "https://93.184.216.34:25/hook",
        "https://93.184.216.34:8443/hook",
        "https://93.184.216.34:99999/hook",
    ],
)
def test_internal_or_non_https_destinations_are_refused_at_registration(api_a, settings, url):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False

    response = api_a.post("/api/v1/webhooks/", {"url": url, "event_types": ["ping"]}, format="json")

    assert response.status_code == 400
    assert "url" in response.json()["error"]["fields"]
    assert not WebhookEndpoint.objects.exists()


def test_destination_is_checked_again_at_delivery(api_a, partner_a, httpserver, settings):
    httpserver.expect_request("/hooks").respond_with_data("ok")
    endpoint = webhook_register(partner=partner_a, url=httpserver.url_for("/hooks"), event_types=["ping"])
    settings.WEBHOOKS_ALLOW_LOOPBACK = False  # as if the name now resolved to an internal address
    from partners.deliveries import delivery_create

    delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="x", data={})
    delivery_attempt(delivery.pk)

    assert httpserver.log == []
    assert "private, loopback or link-local" in delivery.attempt_log.get().error


def _resolve_to(monkeypatch, address: str) -> None:
    import socket

    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 443))])


@pytest.mark.parametrize(
    "address",
    ["2002:a00:5::1", "2002:c0a8:10a::", "64:ff9b::a00:5", "2001:0:5db8:d822::f5ff:fffa", "::ffff:10.0.0.5"],
)
def test_ipv6_carrying_a_private_ipv4_is_refused_at_send_time(partner_a, settings, monkeypatch, address):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    _resolve_to(monkeypatch, "93.184.216.34")
    endpoint = webhook_register(partner=partner_a, url="https://hooks.partner.example.org/in", event_types=["ping"])
    from partners.deliveries import delivery_create

    delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="v6", data={})
    _resolve_to(monkeypatch, address)  # the name now resolves to an address that routes inside
    delivery_attempt(delivery.pk)

    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and "private, loopback or link-local" in attempt.error
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1


def test_only_port_443_unless_the_setting_widens_it(api_a, partner_a, settings, monkeypatch):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    _resolve_to(monkeypatch, "93.184.216.34")
    url = "https://hooks.partner.example.org:8443/in"

    refused = api_a.post("/api/v1/webhooks/", {"url": url, "event_types": ["ping"]}, format="json")
    assert refused.status_code == 400 and "443" in str(refused.json()["error"]["fields"]["url"])

    settings.WEBHOOK_ALLOWED_PORTS = [443, 8443]
    assert api_a.post("/api/v1/webhooks/", {"url": url, "event_types": ["ping"]}, format="json").status_code == 201
    assert check_destination(url).port == 8443

    settings.WEBHOOK_ALLOWED_PORTS = [443]  # narrowed again: checked at send time too
    from partners.deliveries import delivery_create

    delivery = delivery_create(endpoint=WebhookEndpoint.objects.get(), event_type="ping", event_key="port", data={})
    delivery_attempt(delivery.pk)
    assert "port 443" in delivery.attempt_log.get().error


def test_check_destination_accepts_public_addresses(monkeypatch):
    import socket

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("93.184.216.34", 443))])

    assert check_destination("https://partner.example.org/hooks?x=1").ip == "93.184.216.34"
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.5", 443))])
    with pytest.raises(UnsafeDestination):
        check_destination("https://rebinding.example.org/hooks")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_to_one_endpoint_are_attempted_at_the_same_time(partner_a, httpserver):
    """A worker mid-attempt locks its delivery only: another worker's delivery to the same endpoint goes out."""
    import threading
    import time

    from django.db import connection
    from django.utils import timezone
    from werkzeug import Response

    from partners import services
    from partners.models import WebhookDelivery

    receiving = threading.Event()

    def slow(request):
        receiving.set()
        time.sleep(1)
        return Response("ok")

    httpserver.expect_request("/hooks").respond_with_handler(slow)
    endpoint = services.webhook_register(partner=partner_a, url=httpserver.url_for("/hooks"), event_types=["ping"])
    first, second = (
        WebhookDelivery.objects.create(
            endpoint=endpoint, event_id=f"evt_{n}", event_type="ping", payload={}, next_attempt_at=timezone.now()
        )
        for n in (1, 2)
    )

    def attempt_first():
        try:
            delivery_attempt(first.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=attempt_first)
    worker.start()
    assert receiving.wait(5)
    attempted = delivery_attempt(second.pk)  # while the first attempt's transaction is open
    worker.join(10)

    assert attempted is not None and attempted.state == "succeeded"
    assert WebhookDelivery.objects.get(pk=first.pk).state == "succeeded"


def test_a_receiver_answering_a_byte_at_a_time_cannot_hold_an_attempt_past_its_limit(partner_a, settings):
    """Each read has its own timeout; the whole exchange has one too, so the attempt ends in time."""
    import socket
    import threading
    import time

    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(5)

    def drip():  # the status line, then a header byte every 0.2 s, for 6 s at most
        connection, _address = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            for _byte in range(30):
                try:
                    connection.sendall(b"X")
                except OSError:
                    return
                time.sleep(0.2)

    receiver = threading.Thread(target=drip, daemon=True)
    receiver.start()
    port = listener.getsockname()[1]
    endpoint = webhook_register(partner=partner_a, url=f"http://127.0.0.1:{port}/in", event_types=["ping"])
    from partners.deliveries import delivery_create

    delivery = delivery_create(endpoint=endpoint, event_type="ping", event_key="drip", data={})
    started = time.monotonic()
    delivery_attempt(delivery.pk)
    took = time.monotonic() - started
    receiver.join(timeout=7)
    listener.close()

    attempt = delivery.attempt_log.get()
    assert took < 3, took
    assert attempt.status_code is None and "No complete answer within" in attempt.error
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1  # retried on schedule
