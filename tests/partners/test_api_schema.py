"""The API keeps to its own OpenAPI schema, including for inputs nobody thought of (schemathesis).

Every schemathesis check runs, on data the schema allows (positive) and data it forbids (negative),
against a database seeded with a campus, a space, a resident, a referral and a webhook.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from partners.deliveries import delivery_create
from partners.models import Referral, WebhookEndpoint
from residents.api_resources import MAX_DAYS as MAX_FREE_SLOT_DAYS
from tests.campus.factories import CampusFactory, SpaceFactory
from tests.partners.factories import PartnerFactory, token_for
from tests.residents.feeds_setup import resource_of
from tests.tenants.factories import ApplicationFactory, CompanyFactory

# Bodies whose validity depends on the world beyond the schema: the campus must exist, the webhook
# host must resolve to a public address. Their schema says so in words; the server answers 400.
WORLD_DEPENDENT = {"POST /api/v1/referrals/", "POST /api/v1/webhooks/"}
# Per operation and mode; keeps the whole run near 30 s. SCHEMA_FUZZ_EXAMPLES=500 digs deeper.
MAX_EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "25"))


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/").content.decode()

    assert schema.status_code == 200
    assert b"/api/v1/referrals/" in schema.content and b"Idempotency-Key" in schema.content
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


def test_schema_states_the_limits_the_server_enforces(client):
    schema = client.get("/api/schema/?format=json").json()
    listing = {p["name"]: p for p in schema["paths"]["/api/v1/referrals/"]["get"]["parameters"]}
    create = schema["paths"]["/api/v1/referrals/"]["post"]
    key = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")

    assert listing["page_size"]["schema"]["minimum"] == 1 and "200" in listing["page_size"]["description"]
    assert "Opaque" in listing["cursor"]["description"]
    assert key["schema"]["maxLength"] == 255 and key["schema"]["pattern"]
    assert create["responses"]["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_schema_describes_the_free_area_filters_of_spaces(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/spaces/"]["get"]["parameters"]}

    assert parameters["available_from"]["schema"]["format"] == "date"
    assert "largest total allocated on any one day" in parameters["available_from"]["description"]
    assert parameters["available_to"]["schema"]["format"] == "date"
    assert "only with available_from" in parameters["available_to"]["description"]
    assert parameters["min_free_area"]["schema"] == {"type": "number", "minimum": 0, "maximum": 1_000_000}
    assert "free area in m²" in parameters["min_free_area"]["description"]
    assert "available_on" in parameters


def test_a_host_not_allowed_is_a_json_400_under_the_api(client):
    response = client.get("/api/v1/me/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json() == {"error": {"type": "validation_error", "message": "Bad request."}}


def test_an_address_no_route_matches_is_a_json_404(api_a):
    response = api_a.get("/api/v1/referrals/1.5/")

    assert response.status_code == 404
    assert response.json() == {"error": {"type": "not_found", "message": "Not found."}}


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
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    # Webhook URLs drawn at random must not send DNS queries anywhere: every name is "internal".
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.1", 443))])
    campus = CampusFactory(slug="icampus")
    SpaceFactory(building__campus=campus)
    CompanyFactory(campus=campus, name="Resident Co")
    partner = PartnerFactory(slug="fuzz")
    partner.campuses.add(campus)
    resource_of(campus, "Meeting room Orion")
    application = ApplicationFactory(campus=campus)
    Referral.objects.create(
        partner=partner, application=application, company=application.company, contact_name="C", contact_email="c@e.org"
    )
    endpoint = WebhookEndpoint.objects.create(
        partner=partner, url="http://127.0.0.1:9/hook", event_types=["ping"], secret="whsec_c2VjcmV0c2VjcmV0"
    )
    delivery_create(endpoint=endpoint, event_type="ping", event_key="k", data={})
    return token_for(partner)


def test_every_operation_conforms_to_the_schema(api_schema, api_token):
    headers = {"Authorization": f"Bearer {api_token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, headers)


def _fuzz(operation, mode: GenerationMode, headers: dict) -> None:
    excluded = [positive_data_acceptance] if operation.label in WORLD_DEPENDENT else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def conforms(case):
        if mode is GenerationMode.POSITIVE and case.query:
            # The cursor is opaque: only the server makes valid ones (a made-up one is 400, see
            # test_a_cursor_not_made_by_the_server_is_400), so valid cases leave it out.
            case.query.pop("cursor", None)
            # The schema cannot say that available_to needs available_from and may not come
            # before it (see test_free_area_filter_names_the_field_it_refuses).
            if _period_needs_dropping(case.query):
                case.query.pop("available_to")
            # Nor that free slots' ``to`` comes at most 31 days after ``from`` (or today).
            if _days_need_dropping(case.query):
                case.query.pop("to")
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    conforms()


def _period_needs_dropping(query: dict) -> bool:
    if "available_to" not in query:
        return False
    try:
        return dt.date.fromisoformat(query["available_to"]) < dt.date.fromisoformat(query["available_from"])
    except (KeyError, TypeError, ValueError):
        return True


def _days_need_dropping(query: dict) -> bool:
    if "to" not in query:
        return False
    try:
        end = dt.date.fromisoformat(query["to"])
        start = dt.date.fromisoformat(query["from"]) if "from" in query else None
    except (TypeError, ValueError):
        return True
    if start is None:  # from today, or that day alone when it has passed
        return (end - dt.date.today()).days >= MAX_FREE_SLOT_DAYS
    return not 0 <= (end - start).days < MAX_FREE_SLOT_DAYS


def test_a_format_the_api_does_not_serve_is_ignored_like_any_unknown_parameter(api_a):
    # Negotiation would otherwise answer 404, as if the address did not exist.
    response = api_a.get("/api/v1/referrals/", {"format": "xml"})
    repeated = api_a.get("/api/v1/referrals/", {"format": ["-1481538", "xml"]})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "results" in response.json()
    # Like every parameter, it is given once; the 400 names it.
    assert repeated.status_code == 400
    assert repeated.json()["error"]["fields"] == {"format": ["Give this parameter once."]}


def test_the_schema_is_still_served_in_the_format_asked_for(client):
    assert client.get("/api/schema/?format=json")["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert client.get("/api/schema/?format=nonsense").status_code == 200
