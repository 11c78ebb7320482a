from __future__ import annotations

import factory

from tenants.choices import CompanyStatus
from tenants.models import Company
from tests.campus.factories import CampusFactory


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    campus = factory.SubFactory(CampusFactory)
    name = factory.Sequence(lambda n: f"Company {n}")
    country = "GB"
    status = CompanyStatus.RESIDENT
