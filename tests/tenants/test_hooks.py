"""The hook points higher apps plug into: with none connected, tenants keeps its own behaviour."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.test import Client
from django.urls import reverse

from advisory.services import review_assign, review_declare
from tenants import hooks
from tenants.choices import ApplicationStatus as S
from tenants.choices import CompanyStatus
from tests.personas import applicant_following
from tests.tenants.factories import ApplicationDocumentFactory, ApplicationFactory

pytestmark = pytest.mark.django_db

HOOK_POINTS = [
    hooks.download_permission,
    hooks.shared_comments,
    hooks.status_panels,
    hooks.review_counter,
    hooks.application_admin_actions,
]


@contextmanager
def no_plug_ins():
    """Every hook point as if advisory and partners were not installed."""
    saved = {signal: signal.receivers[:] for signal in HOOK_POINTS}
    try:
        for signal in HOOK_POINTS:
            signal.receivers = []
            signal.sender_receivers_cache.clear()
        yield
    finally:
        for signal, receivers in saved.items():
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def test_without_plug_ins_only_staff_download_an_applications_documents(staff_client, alice, staff_user):
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW, campus=alice.committee.campus)
    document = ApplicationDocumentFactory(application=application)
    review = review_assign(application=application, member=alice, actor=staff_user)
    review_declare(review=review, actor=alice.user, has_conflict=False)
    reviewer = Client()
    reviewer.force_login(alice.user)
    assert reviewer.get(document.get_download_url()).status_code == 200

    with no_plug_ins():
        assert reviewer.get(document.get_download_url()).status_code == 404
        assert staff_client.get(document.get_download_url()).status_code == 200


def test_a_company_on_campus_is_offered_counsel_on_its_status_page_while_advisory_is_plugged_in(campus):
    resident = applicant_following(
        ApplicationFactory(
            status=S.APPROVED, campus=campus, company__campus=campus, company__status=CompanyStatus.RESIDENT
        )
    )
    applicant = applicant_following(ApplicationFactory(status=S.SUBMITTED, campus=campus, company__campus=campus))
    counsel = "Ask the advisory committee for counsel"

    assert counsel in resident.client.get("/apply/status/").content.decode()
    assert counsel not in applicant.client.get("/apply/status/").content.decode()
    with no_plug_ins():
        page = resident.client.get("/apply/status/")
    assert page.status_code == 200 and counsel not in page.content.decode()


def test_without_plug_ins_the_application_list_offers_only_the_admins_own_actions(staff_client):
    changelist = reverse("admin:tenants_application_changelist")
    ApplicationFactory()
    assert 'value="assign_reviewers_automatically"' in staff_client.get(changelist).content.decode()

    with no_plug_ins():
        page = staff_client.get(changelist).content.decode()
    assert 'value="assign_reviewers_automatically"' not in page
