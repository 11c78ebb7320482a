"""Who may call what: tokens, scopes, and partners who never see each other's objects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from partners.models import PartnerToken
from partners.tokens import partner_token_revoke
from tests.campus.factories import CampusFactory
from tests.partners.factories import client_with, token_for

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = [
    ("/api/v1/campuses/", "directory:read"),
    ("/api/v1/companies/", "directory:read"),
    ("/api/v1/spaces/", "spaces:read"),
    ("/api/v1/resources/", "spaces:read"),
    ("/api/v1/referrals/", "referrals:read"),
    ("/api/v1/webhooks/", "webhooks:manage"),
    ("/api/v1/webhook-deliveries/", "webhooks:manage"),
]


@pytest.mark.parametrize("path", [path for path, _scope in LIST_ENDPOINTS] + ["/api/v1/me/"])
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer ", "Bearer not-a-token", "Token abc", "Bearer icp_" + "x" * 43],
)
def test_missing_malformed_or_unknown_tokens_get_401(path, authorization):
    client = APIClient()
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)

    response = client.get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["type"] == "authentication_failed"


def test_expired_revoked_and_flipped_tokens_get_401(partner_a):
    expired = token_for(partner_a, expires_in_days=1)
    revoked = token_for(partner_a)
    partner_token_revoke(token=PartnerToken.objects.get(prefix=revoked[:12]))
    good = token_for(partner_a)
    flipped = good[:-1] + ("A" if good[-1] != "A" else "B")

    import time_machine

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=2)):
        assert client_with(expired).get("/api/v1/me/").status_code == 401
    assert client_with(revoked).get("/api/v1/me/").status_code == 401
    assert client_with(flipped).get("/api/v1/me/").status_code == 401
    assert client_with(good).get("/api/v1/me/").status_code == 200


def test_only_the_hash_of_a_token_is_stored(partner_a):
    secret = token_for(partner_a)

    stored = PartnerToken.objects.get()
    assert secret not in stored.token_hash and stored.prefix == secret[:12]


@pytest.mark.parametrize(("path", "scope"), LIST_ENDPOINTS)
def test_a_token_without_the_scope_gets_403(partner_a, path, scope):
    from partners.models import ALL_SCOPES

    client = client_with(token_for(partner_a, scopes=[s for s in ALL_SCOPES if s != scope]))

    response = client.get(path)

    assert response.status_code == 403
    assert scope in response.json()["error"]["message"]


def test_referral_creation_needs_the_write_scope(partner_a):
    client = client_with(token_for(partner_a, scopes=["referrals:read"]))

    response = client.post("/api/v1/referrals/", {}, format="json")

    assert response.status_code == 403


def test_me_describes_the_token(api_a, partner_a):
    body = api_a.get("/api/v1/me/").json()

    assert body["partner"]["slug"] == "skolkovo"
    assert "referrals:write" in body["scopes"]
    assert body["token_prefix"].startswith("icp_")


def test_staff_may_use_their_session(staff_client):
    CampusFactory(slug="north")

    response = staff_client.get("/api/v1/campuses/")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == ["north"]


def test_create_partner_token_command_prints_the_token_once(partner_a, capsys):
    call_command(
        "create_partner_token", "skolkovo", "--name", "crm", "--expires-in-days", "30", "--scopes", "directory:read"
    )

    secret = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("icp_"))
    token = PartnerToken.objects.get(name="crm")
    assert token.scopes == ["directory:read"] and token.expires_at is not None
    assert client_with(secret).get("/api/v1/campuses/").status_code == 200
    assert client_with(secret).get("/api/v1/referrals/").status_code == 403


def test_create_partner_token_command_names_what_is_wrong(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No partner with slug"):
        call_command("create_partner_token", "nobody")


def test_throttle_answers_429_with_retry_after(api_a, settings):
    settings.API_THROTTLE_RATE = "3/hour"

    codes = [api_a.get("/api/v1/me/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    response = api_a.get("/api/v1/me/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["type"] == "rate_limited"


def test_throttle_counts_each_token_separately(api_a, api_b, settings):
    settings.API_THROTTLE_RATE = "2/hour"
    for _ in range(3):
        api_a.get("/api/v1/me/")

    assert api_b.get("/api/v1/me/").status_code == 200
