from __future__ import annotations

import factory

from tenants.choices import ApplicationStatus, CompanyStatus
from tenants.models import Application, ApplicationContact, ApplicationDocument, Company, ComplianceDocument
from tests.campus.factories import CampusFactory
from tests.tenants.helpers import PDF


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


class _PdfFactory(factory.django.DjangoModelFactory):
    """A private document holding a small PDF."""

    class Meta:
        abstract = True

    content_type = "application/pdf"
    extension = ".pdf"
    size = len(PDF)


class ApplicationDocumentFactory(_PdfFactory):
    """A PDF attached to an application, its file in PRIVATE_MEDIA_ROOT."""

    class Meta:
        model = ApplicationDocument

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.SUBMITTED)
    kind = "pitch_deck"
    original_name = "deck.pdf"
    file = factory.django.FileField(filename="deck.pdf", data=PDF)


class ComplianceDocumentFactory(_PdfFactory):
    """A company's compliance document (an insurance certificate unless told), staff-only."""

    class Meta:
        model = ComplianceDocument

    company = factory.SubFactory(CompanyFactory)
    kind = "insurance_certificate"
    original_name = "certificate.pdf"
    file = factory.django.FileField(filename="certificate.pdf", data=PDF)
