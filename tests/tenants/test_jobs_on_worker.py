"""With Redis, e-mail jobs go through the broker to a real Celery worker, after commit."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from tenants.choices import ApplicationStatus as S
from tenants.models import Notification
from tenants.services.applications import application_transition
from tests.tenants.factories import ApplicationFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_until_sent(notification_ids, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Notification.objects.filter(pk__in=notification_ids, sent_at__isnull=True).exists():
            return True
        time.sleep(0.2)
    return False


def test_status_mail_is_written_by_the_worker_process(celery_worker_jobs, staff_user, worker_mail_dir):
    application = ApplicationFactory(status=S.SUBMITTED)

    application_transition(application=application, to=S.SCREENING, actor=staff_user)

    ids = list(Notification.objects.filter(application=application).values_list("pk", flat=True))
    assert ids, "a notification row is written with the transition"
    assert _wait_until_sent(ids), "the worker did not deliver the e-mail"
    sent = Notification.objects.get(pk=ids[0])
    assert sent.body == ""  # cleared once sent
    recipient = application.contacts.get().email
    written = [p for p in worker_mail_dir.glob("*.log") if recipient in p.read_text(errors="replace")]
    assert len(written) == 1
    assert "Screening" in written[0].read_text(errors="replace")
    assert mail.outbox == []  # written by the worker, not by this process
