"""The API keeps to its own OpenAPI schema, including for inputs nobody thought of (schemathesis)."""

from __future__ import annotations

import socket

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.campus.factories import CampusFactory, SpaceFactory
from tests.partners.factories import PartnerFactory, token_for
from tests.tenants.factories import CompanyFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/").content.decode()

    assert schema.status_code == 200
    assert b"/api/v1/referrals/" in schema.content and b"Idempotency-Key" in schema.content
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


@pytest.fixture
def api_schema(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    # Requests go straight to the WSGI app; keep it from closing the test's database connection,
    # as Django's own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(db, settings, monkeypatch):
    settings.API_THROTTLE_RATE = "100000/hour"
    # Webhook URLs drawn at random must not send DNS queries anywhere: every name is "internal".
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.1", 443))])
    campus = CampusFactory(slug="icampus")
    SpaceFactory(building__campus=campus)
    CompanyFactory(campus=campus, name="Resident Co")
    return token_for(PartnerFactory(slug="fuzz"))


def test_every_operation_conforms_to_the_schema(api_schema, api_token):
    headers = {"Authorization": f"Bearer {api_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def conforms(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()
