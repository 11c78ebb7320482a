"""When the broker is down, requests still succeed and the e-mail goes out once it is back."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from tenants.choices import ApplicationStatus as S
from tenants.models import Application, Notification
from tenants.notifications import notifications_relay
from tests.tenants.helpers import fill_draft

pytestmark = pytest.mark.django_db(transaction=True)


def test_submission_while_the_broker_is_down_is_confirmed_and_mailed_once_it_returns(client, campus, broker):
    fill_draft(client, campus)
    broker.down()

    started = time.monotonic()
    response = client.post("/apply/review/", follow=True)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert "Your application has been submitted" in response.content.decode()
    assert elapsed < 15, "publishing must give up quickly while the broker is down"
    assert Application.objects.get().status == S.SUBMITTED
    pending = Notification.objects.filter(sent_at__isnull=True)
    assert pending.count() == 1 and mail.outbox == []

    broker.in_process()
    assert notifications_relay(older_than_seconds=0) == 1
    assert notifications_relay(older_than_seconds=0) == 0

    assert [m.to for m in mail.outbox] == [["ada@helix.example.com"]]
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_a_bulk_job_while_the_broker_is_down_keeps_its_emails_and_the_relay_sends_each_once(broker, monkeypatch):
    from django.db import transaction

    from tenants import notifications

    monkeypatch.setattr(notifications, "DELIVERY_BATCH", 2)
    tried = []
    real_publish = notifications.notifications_deliver.apply_async
    monkeypatch.setattr(
        notifications.notifications_deliver,
        "apply_async",
        lambda args, **kwargs: tried.append(args[0]) or real_publish(args=args, **kwargs),
    )
    broker.down()

    started = time.monotonic()
    with transaction.atomic():
        notifications.notifications_write(
            [
                notifications.notification_compose(
                    kind="announcement",
                    recipient=f"person{i}@helix.example.com",
                    template="status_link",
                    context={"link": "https://example.org/s/1"},
                )
                for i in range(7)
            ]
        )
    elapsed = time.monotonic() - started

    assert elapsed < 15 and len(tried) == 1  # gave up at the first batch instead of waiting for each
    assert Notification.objects.filter(sent_at__isnull=True).count() == 7 and mail.outbox == []

    broker.in_process()
    tried.clear()
    assert notifications_relay(older_than_seconds=0) == 7
    assert notifications_relay(older_than_seconds=0) == 0

    assert [len(batch) for batch in tried] == [2, 2, 2, 1]
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{i}@helix.example.com" for i in range(7)]


def test_the_relay_leaves_fresh_notifications_to_their_own_job(client, campus):
    fill_draft(client, campus)
    client.post("/apply/review/")

    assert notifications_relay(older_than_seconds=60) == 0


@pytest.mark.redis
@pytest.mark.postgres
def test_after_the_outage_the_real_worker_sends_the_mail_exactly_once(client, campus, broker, worker_mail_dir):
    fill_draft(client, campus)
    broker.down()
    client.post("/apply/review/")
    assert Notification.objects.filter(sent_at__isnull=True).count() == 1

    broker.real()
    notifications_relay(older_than_seconds=0)
    notifications_relay(older_than_seconds=0)  # a second relay run before the first is done

    deadline = time.monotonic() + 30
    while Notification.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # let a duplicate, if any, be written too
    written = [p for p in worker_mail_dir.glob("*.log") if "ada@helix.example.com" in p.read_text(errors="replace")]
    assert len(written) == 1, written
    assert "We received the application of Helix Diagnostics" in written[0].read_text(errors="replace")
    assert mail.outbox == []  # nothing was sent by this process
