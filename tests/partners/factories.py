from __future__ import annotations

import factory

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
