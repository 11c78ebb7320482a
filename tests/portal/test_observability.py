"""Structured logs with request ids (also in jobs), nothing secret in them, failed jobs kept for staff."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import uuid
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client

from portal.celery import app
from portal.models import FailedJob
from tests.tenants.helpers import company_data, last_mail_to, link_from, use_link


@pytest.fixture
def log_lines():
    """The production logging configuration (JSON, request ids, redaction), written to a buffer."""
    from portal.settings import base

    config = json.loads(json.dumps(base.LOGGING))
    config["formatters"]["json"] = base.LOGGING["formatters"]["json"]
    config["handlers"]["console"]["formatter"] = "json"
    logging.config.dictConfig(config)
    buffer = io.StringIO()
    handler = logging.getLogger().handlers[0]
    handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db
def test_request_id_is_answered_logged_and_handed_to_jobs(client, log_lines):
    request_id = str(uuid.uuid4())

    response = client.get("/residents/no-such-company/", HTTP_X_REQUEST_ID=request_id)

    assert response["X-Request-ID"] == request_id
    lines = [line for line in log_lines() if line["logger"] == "django.request"]
    assert lines and lines[0]["request_id"] == request_id
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="evil\nline")
    assert forged["X-Request-ID"] != "evil\nline"  # not a UUID: replaced, never echoed into logs

    # A job published while a request runs carries its id to the worker (django-guid's Celery
    # integration, on with these settings), which logs under it.
    from celery.signals import before_task_publish
    from django_guid import clear_guid, set_guid

    headers: dict = {}
    set_guid(request_id)
    try:
        before_task_publish.send(sender="tenants.tasks.deliver_notification", headers=headers, body=None)
    finally:
        clear_guid()
    assert headers[settings.DJANGO_GUID["GUID_HEADER_NAME"]] == request_id


@pytest.mark.django_db
def test_logs_of_an_application_never_hold_its_link_token_address_or_mail(
    client, campus, log_lines, django_capture_on_commit_callbacks
):
    client.post("/apply/", company_data(campus))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/apply/save/", {"email": "ada@helix.example.com"})
    message = last_mail_to("ada@helix.example.com")
    link = urlparse(link_from(message)).path
    use_link(Client(), link)
    assert use_link(Client(), link).status_code == 404  # used twice: Django logs "Not Found: <path>"
    logging.getLogger("django.request").warning("Not Found: %s", link)  # as any logger might name it

    output = json.dumps(log_lines())
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert "Not Found" in output and "[redacted]" in output
    assert token not in output
    assert "ada@helix.example.com" not in output
    assert message.body.strip().splitlines()[0] not in output


@pytest.mark.django_db
def test_a_job_that_fails_for_good_is_kept_for_staff_without_secrets(staff_client):
    @app.task(name="tests.explode")
    def explode(partner_token):
        raise RuntimeError(f"receiver refused {partner_token}")

    result = explode.apply(args=["icp_supersecrettoken123"], throw=False)  # as a worker runs it

    assert result.failed()
    failed = FailedJob.objects.get(task="tests.explode")
    assert failed.exception == "RuntimeError: receiver refused [redacted]"
    assert "supersecret" not in failed.arguments + failed.traceback
    page = staff_client.get("/admin/portal/failedjob/")
    assert page.status_code == 200 and "tests.explode" in page.content.decode()
