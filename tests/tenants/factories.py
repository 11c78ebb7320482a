from __future__ import annotations

import factory

from tenants.choices import ApplicationStatus, CompanyStatus
from tenants.models import Application, ApplicationContact, Company
from tests.campus.factories import CampusFactory


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    campus = factory.SubFactory(CampusFactory)
    name = factory.Sequence(lambda n: f"Company {n}")
    country = "GB"
    status = CompanyStatus.RESIDENT


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory, status=CompanyStatus.APPLICANT)
    campus = factory.SelfAttribute("company.campus")
    status = ApplicationStatus.DRAFT
    completed_steps = ["company", "contacts", "profile", "needs", "documents"]

    @factory.post_generation
    def contact(self, create, extracted, **kwargs):
        if create:
            ApplicationContact.objects.create(
                application=self, name="Main Contact", email=f"contact{self.pk}@applicant.example.com", is_primary=True
            )
