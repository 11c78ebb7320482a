"""Applicants' personal data: export and erasure through the status link, erasure at retention's end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tenants.choices import ApplicationStatus
from tenants.models import Application, ApplicationDocument, Company, DataRequest
from tenants.services import privacy
from tenants.tasks import expired_applications_erase
from tests.personas import staff_in_role
from tests.tenants.factories import ApplicationFactory
from tests.tenants.helpers import company_data, contacts_data, fill_draft

pytestmark = pytest.mark.django_db(transaction=True)  # mail goes out after commit


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.CAMPUS_STAFF_EMAILS = ["screening@campus.example.org"]


def submitted(campus) -> tuple[Client, Application]:
    client = Client()
    fill_draft(client, campus)
    assert client.post("/apply/review/").status_code == 302
    return client, Application.objects.latest("pk")


def test_export_holds_this_applicants_data_and_nobody_elses(campus):
    other = Client()
    other.post("/apply/", company_data(campus, name="Other Bio"))
    other.post("/apply/step/contacts/", contacts_data(("Bob Other", "bob@other.example.com")))
    client, application = submitted(campus)

    response = client.post("/apply/my-data/")

    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["company"]["name"] == "Helix Diagnostics"
    assert [c["email"] for c in data["contacts"]] == ["ada@helix.example.com"]
    assert sorted(d["kind"] for d in data["documents"]) == ["business_licence", "pitch_deck"]
    assert data["status_history"][0]["to"] == "submitted" and data["emails"]
    assert "Other Bio" not in response.content.decode() and "bob@other" not in response.content.decode()
    record = DataRequest.objects.get(kind="export")
    assert record.application == application and record.requested_by.startswith("sha256:")
    assert Client().post("/apply/my-data/").status_code == 302  # no status link, no data


def test_erasure_is_asked_for_by_the_applicant_and_carried_out_by_staff(campus, staff_client, private_media):
    client, application = submitted(campus)
    files = [Path(d.file.path) for d in ApplicationDocument.objects.filter(application=application)]
    assert files and all(f.exists() for f in files)

    unconfirmed = client.post("/apply/erase/", follow=True)
    assert "Tick the box" in unconfirmed.content.decode() and not DataRequest.objects.exists()
    asked = client.post("/apply/erase/", {"confirm": "yes"}, follow=True)
    assert "Campus staff will erase your data within 15 days" in asked.content.decode()
    data_request = DataRequest.objects.get(kind="erasure", state="pending")
    assert data_request.requested_by == "ada@helix.example.com"

    staff_client.post(
        "/admin/tenants/datarequest/", {"action": "erase_now", "_selected_action": [data_request.pk]}, follow=True
    )

    application.refresh_from_db()
    data_request.refresh_from_db()
    assert application.erased_at and application.status == ApplicationStatus.SUBMITTED  # the row and status stay
    assert not application.contacts.exists() and not application.documents.exists()
    assert not application.notifications.exists() and not application.access_links.exists()
    assert not any(f.exists() for f in files)
    company = Company.objects.get(pk=application.company_id)
    assert company.name == f"Erased company {company.pk}" and not company.website
    assert not Company.history.filter(name="Helix Diagnostics").exists()
    # The anonymised record: what was done, by whom, when; the address only as a hash.
    assert data_request.state == "done" and data_request.handled_by.username == "staff"
    assert data_request.requested_by.startswith("sha256:") and "2 documents" in data_request.outcome
    assert "Helix" not in json.dumps(list(DataRequest.objects.values()), default=str)


def test_retention_erases_only_rejected_and_withdrawn_applications_past_the_period(settings):
    settings.APPLICATION_RETENTION_DAYS = 730
    now = timezone.now()

    def decided(status, days_ago, name):
        return ApplicationFactory(status=status, decided_at=now - dt.timedelta(days=days_ago), company__name=name)

    old_rejected = decided(ApplicationStatus.REJECTED, 800, "Old Rejected")
    old_withdrawn = decided(ApplicationStatus.WITHDRAWN, 731, "Old Withdrawn")
    recent_rejected = decided(ApplicationStatus.REJECTED, 700, "Recent Rejected")
    old_approved = decided(ApplicationStatus.APPROVED, 1000, "Old Approved")

    assert expired_applications_erase.delay().get() == 2

    for application in (old_rejected, old_withdrawn):
        application.refresh_from_db()
        assert application.erased_at and not application.contacts.exists()
        assert application.company.name.startswith("Erased company")
    for application in (recent_rejected, old_approved):
        application.refresh_from_db()
        assert application.erased_at is None and application.contacts.exists()
    assert DataRequest.objects.filter(kind="retention", state="done").count() == 2
    assert expired_applications_erase.delay().get() == 0  # nothing twice


def test_asking_for_erasure_twice_records_one_request(applicant):
    answers = [applicant.client.post("/apply/erase/", {"confirm": "yes"}, follow=True) for _ in range(2)]

    for answer in answers:  # the second time, the same acknowledgement: the request stands
        assert "Campus staff will erase your data within 15 days" in answer.content.decode()
    data_request = DataRequest.objects.get()
    assert (data_request.kind, data_request.state) == ("erasure", "pending")
    assert data_request.requested_by == applicant.email


def test_staff_without_the_right_to_delete_applications_cannot_erase(client, applicant):
    data_request = privacy.erasure_request(application=applicant.application, actor=applicant.email)
    auditor = staff_in_role("auditor")
    client.force_login(auditor)
    assert data_request.application.company.name in client.get("/admin/tenants/datarequest/").content.decode()

    response = client.post(
        "/admin/tenants/datarequest/", {"action": "erase_now", "_selected_action": [data_request.pk]}
    )

    assert response.status_code == 403
    data_request.refresh_from_db()
    application = Application.objects.get(pk=applicant.application.pk)
    assert data_request.state == "pending" and not application.erased_at
    assert application.contacts.filter(email=applicant.email).exists()


def test_a_campus_manager_carries_out_erasure_requests(client, applicant, campus_manager):
    data_request = privacy.erasure_request(application=applicant.application, actor=applicant.email)
    client.force_login(campus_manager)

    client.post("/admin/tenants/datarequest/", {"action": "erase_now", "_selected_action": [data_request.pk]})

    data_request.refresh_from_db()
    assert data_request.state == "done" and data_request.handled_by == campus_manager
    assert Application.objects.get(pk=applicant.application.pk).erased_at


def test_a_withdrawn_application_is_erased_once_the_retention_period_has_passed_since_the_withdrawal(
    applicant, settings
):
    settings.APPLICATION_RETENTION_DAYS = 730
    withdrawn_on = timezone.now()

    response = applicant.client.post("/apply/withdraw/", {"reason": "We chose another campus."})

    assert response.status_code == 302
    application = Application.objects.get(pk=applicant.application.pk)
    assert application.status == ApplicationStatus.WITHDRAWN
    with time_machine.travel(withdrawn_on + dt.timedelta(days=729), tick=False):
        assert expired_applications_erase.delay().get() == 0  # the period is counted from the withdrawal
    with time_machine.travel(withdrawn_on + dt.timedelta(days=731), tick=False):
        assert expired_applications_erase.delay().get() == 1

    application.refresh_from_db()
    assert application.erased_at and application.status == ApplicationStatus.WITHDRAWN
    assert not application.contacts.exists() and not application.notifications.exists()
    assert not application.access_links.exists() and not application.transitions.exclude(reason="").exists()
    assert application.company.name.startswith("Erased company")
    assert DataRequest.objects.get().kind == "retention"
