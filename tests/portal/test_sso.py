"""Staff single sign-on through OpenID Connect, against a local identity provider."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest

SECRET = "client-secret-for-tests-0123456789abcdef"


@pytest.fixture
def provider(httpserver, settings):
    settings.OIDC_RP_CLIENT_ID = "icampus"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = httpserver.url_for("/authorize")
    settings.OIDC_OP_TOKEN_ENDPOINT = httpserver.url_for("/token")
    settings.OIDC_OP_USER_ENDPOINT = httpserver.url_for("/userinfo")
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "portal.sso.StaffOIDCBackend"]
    return httpserver


def sign_in_through(client, provider, email: str, verified: bool = True):
    """Start at the portal, follow the provider's redirect back with a code, as a browser does."""
    start = client.get("/oidc/authenticate/?next=/admin/campus/")
    assert start.status_code == 302 and start["Location"].startswith(provider.url_for("/authorize"))
    query = parse_qs(urlparse(start["Location"]).query)
    assert query["client_id"] == ["icampus"] and query["code_challenge_method"] == ["S256"]
    now = int(time.time())
    id_token = jwt.encode(
        {"iss": provider.url_for("/"), "aud": "icampus", "sub": "u1", "iat": now, "exp": now + 300,
         "nonce": query["nonce"][0], "email": email},
        SECRET,
        algorithm="HS256",
    )  # fmt: skip
    provider.clear()
    provider.expect_request("/token", method="POST").respond_with_json(
        {"id_token": id_token, "access_token": "access-1", "token_type": "Bearer"}
    )
    provider.expect_request("/userinfo").respond_with_data(
        json.dumps({"sub": "u1", "email": email, "email_verified": verified}), content_type="application/json"
    )
    return client.get(f"/oidc/callback/?code=code-1&state={query['state'][0]}")


@pytest.mark.django_db
def test_a_staff_member_signs_in_with_the_organisations_account(client, provider, staff_user):
    assert 'href="/oidc/authenticate/' in client.get("/admin/login/").content.decode()

    back = sign_in_through(client, provider, "STAFF@example.org")

    assert back.status_code == 302 and back["Location"] == "/admin/campus/"
    assert client.get("/admin/campus/").status_code == 200


@pytest.mark.django_db
def test_unknown_unverified_or_non_staff_addresses_are_refused(client, provider, staff_user, django_user_model):
    django_user_model.objects.create_user("visitor", email="visitor@example.org", password="pw-visitor-123")

    for email, verified in (("nobody@example.org", True), ("visitor@example.org", True), ("staff@example.org", False)):
        back = sign_in_through(client, provider, email, verified)
        assert back["Location"] == "/admin/login/?sso=failed", email
        assert "_auth_user_id" not in client.session
    assert "did not work" in client.get("/admin/login/?sso=failed").content.decode()
    assert django_user_model.objects.count() == 2  # nobody was created


@pytest.mark.django_db
def test_single_sign_on_is_off_unless_configured(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "/oidc/authenticate/" not in client.get("/admin/login/").content.decode()
