"""Drafts started for partners' referrals: an existing application is never opened to the referrer's contact."""

from __future__ import annotations

import pytest

from tenants.models import AccessLink, Application, Notification
from tenants.services.applications import application_for_referral
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def referral_of(campus, name: str):
    return application_for_referral(
        campus=campus,
        company_name=name,
        country="RU",
        website="",
        contact_name="Ivan Petrov",
        contact_email="ivan@partner.example.com",
        referred_by="Skolkovo Innovation Center",
    )


def test_an_existing_application_is_returned_untouched(campus, django_capture_on_commit_callbacks):
    existing = ApplicationFactory(campus=campus, company__campus=campus, company__name="Helix Diagnostics")
    contacts = list(existing.contacts.values_list("email", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        application, created = referral_of(campus, " helix DIAGNOSTICS")

    assert (application, created) == (existing, False)
    assert list(existing.contacts.values_list("email", flat=True)) == contacts
    assert not AccessLink.objects.exists() and not Notification.objects.exists()


def test_a_new_company_gets_a_draft_and_its_contact_an_invitation(campus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application, created = referral_of(campus, "Neuro Robotics")

    assert created and Application.objects.get() == application
    contact = application.contacts.get()
    assert (contact.email, contact.is_primary) == ("ivan@partner.example.com", True)
    assert Notification.objects.get().kind == "referral_invitation"
    assert AccessLink.objects.get().email == "ivan@partner.example.com"
