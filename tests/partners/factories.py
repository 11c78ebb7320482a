from __future__ import annotations

import factory
from rest_framework.test import APIClient

from partners.models import Partner
from partners.tokens import partner_token_create


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    slug = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.Sequence(lambda n: f"Partner Organisation {n}")
    country = "GB"
    kind = "industry_association"
    relationship = "strategic_partnership"


def token_for(partner, scopes=None, **kwargs) -> str:
    return partner_token_create(partner=partner, scopes=scopes, **kwargs)[1]


def client_with(token: str) -> APIClient:
    """An API client sending ``token`` as its bearer token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client
