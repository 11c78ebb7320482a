"""Documents (applications' and companies' compliance ones) leave only through the permission-checked download views."""

from __future__ import annotations

import pytest

from tests.personas import applicant_following
from tests.tenants.factories import ApplicationDocumentFactory, ApplicationFactory, ComplianceDocumentFactory
from tests.tenants.helpers import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return ApplicationDocumentFactory(original_name='deck "final".pdf')


def test_staff_download_a_document_as_an_attachment(staff_client, document):
    response = staff_client.get(document.get_download_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_visitors_and_non_staff_get_404(client, django_user_model, document):
    assert client.get(document.get_download_url()).status_code == 404
    client.force_login(django_user_model.objects.create_user(username="someone"))
    assert client.get(document.get_download_url()).status_code == 404


def test_unknown_document_is_404(staff_client, document):
    assert staff_client.get(f"/documents/{document.pk + 1000}/").status_code == 404


def test_stored_files_have_no_public_url(client, document):
    assert client.get("/media/" + document.file.name).status_code == 404
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018


@pytest.fixture
def certificate():
    return ComplianceDocumentFactory()


def test_a_screening_officer_downloads_a_compliance_document(client, screening_officer, certificate):
    client.force_login(screening_officer)

    response = client.get(certificate.get_download_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")


def test_compliance_documents_are_404_to_everyone_but_staff_who_may_read_them(
    client, django_user_model, space_manager, certificate
):
    url = certificate.get_download_url()
    application = ApplicationFactory(company=certificate.company, status="approved")
    company = applicant_following(application, application.primary_contact.email)

    assert client.get(url).status_code == 404
    assert company.client.get("/apply/status/").status_code == 200  # the company's own browser...
    assert company.client.get(url).status_code == 404  # ...does not download its certificate back
    client.force_login(django_user_model.objects.create_user(username="someone"))
    assert client.get(url).status_code == 404
    client.force_login(space_manager)  # staff, without the permission to read compliance documents
    assert client.get(url).status_code == 404
