"""Partner A and partner B (the outsider), each with an API client holding a full token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.partners.factories import PartnerFactory, token_for


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def partner_a(db):
    return PartnerFactory(name="Skolkovo Innovation Center", slug="skolkovo", country="RU")


@pytest.fixture
def partner_b(db):
    return PartnerFactory(name="UK BioIndustry Association", slug="bia")


@pytest.fixture
def api_a(partner_a):
    return client_with(token_for(partner_a))


@pytest.fixture
def api_b(partner_b):
    return client_with(token_for(partner_b))


@pytest.fixture(autouse=True)
def _api_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
