"""What staff add in the admin is written by the app's service, and the admin logs and opens that row."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import ADDITION, LogEntry

from advisory.models import Review
from partners.models import PartnerToken
from tenants.choices import ApplicationStatus as S
from tenants.models import ComplianceDocument
from tests.tenants.factories import ApplicationFactory
from tests.tenants.helpers import pdf

pytestmark = pytest.mark.django_db


def _added(model) -> LogEntry:
    return LogEntry.objects.get(action_flag=ADDITION, content_type__model=model._meta.model_name)


def test_a_review_added_in_the_admin_is_assigned_by_the_service(staff_client, staff_user, campus, alice):
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW, campus=campus, company__campus=campus)

    staff_client.post("/admin/advisory/review/add/", {"application": application.pk, "member": alice.pk})

    review = Review.objects.get()
    assert (review.application, review.member, review.assigned_by) == (application, alice, staff_user)
    assert _added(Review).object_id == str(review.pk)


def test_the_admin_refuses_a_review_the_service_refuses(staff_client, campus, alice):
    application = ApplicationFactory(status=S.SCREENING, campus=campus, company__campus=campus)

    response = staff_client.post(
        "/admin/advisory/review/add/", {"application": application.pk, "member": alice.pk}, follow=True
    )

    assert not Review.objects.exists()
    assert "Only applications in committee review can be assigned." in response.content.decode()


def test_a_token_added_in_the_admin_is_issued_by_the_service_and_shown_once(staff_client, staff_user, partner_a):
    response = staff_client.post(
        "/admin/partners/partnertoken/add/",
        {"partner": partner_a.pk, "name": "CRM", "scopes": ["directory:read"], "expires_in_days": "30"},
        follow=True,
    )

    token = PartnerToken.objects.get(partner=partner_a, name="CRM")
    assert (token.scopes, token.created_by) == (["directory:read"], staff_user)
    assert token.prefix in response.content.decode() and "shown only once" in response.content.decode()
    assert _added(PartnerToken).object_id == str(token.pk)


def test_a_compliance_document_added_in_the_admin_is_stored_by_the_service(staff_client, campus):
    company = ApplicationFactory(campus=campus, company__campus=campus).company

    staff_client.post(
        "/admin/tenants/compliancedocument/add/",
        {"company": company.pk, "kind": "insurance_certificate", "expires_on": "2030-01-31", "upload": pdf()},
    )

    document = ComplianceDocument.objects.get()
    assert (document.company, document.original_name, document.uploaded_by) == (
        company,
        "deck.pdf",
        "staff@example.org",
    )
    assert _added(ComplianceDocument).object_id == str(document.pk)


def test_saving_an_issued_token_in_the_admin_writes_nothing(staff_client, partner_a):
    from partners.tokens import partner_token_create

    token, _secret = partner_token_create(partner=partner_a, name="CRM")
    history = token.history.count()

    response = staff_client.post(f"/admin/partners/partnertoken/{token.pk}/change/", {})

    assert response.status_code == 302 and token.history.count() == history
