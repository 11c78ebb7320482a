"""A company in onboarding finishes its own tasks from /my/, signed in, without an e-mailed link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenants.choices import TaskOwner, TaskState
from tenants.models import ComplianceDocument, OnboardingTask
from tenants.services.applications import application_transition
from tests.personas import resident_of
from tests.tenants.factories import PDF, ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def onboarding(campus, staff_user, settings):
    """An approved company with its onboarding plan, and its admin signed in."""
    settings.APPLICATION_MIN_REVIEWS = 0
    application = ApplicationFactory(campus=campus, company__campus=campus, status="committee_review")
    application_transition(application=application, to="approved", actor=staff_user)
    return resident_of(application.company, "admin", "Ada")


def own_task(company, *, document: bool) -> OnboardingTask:
    tasks = OnboardingTask.objects.filter(plan__company=company, owner=TaskOwner.COMPANY, state=TaskState.PENDING)
    return tasks.exclude(requires_document="").first() if document else tasks.filter(requires_document="").first()


def test_the_company_completes_its_tasks_in_my_with_the_document_they_need(onboarding):
    task = own_task(onboarding.company, document=True)
    prefix = f"task{task.pk}"
    home = onboarding.client.get("/my/").content.decode()
    assert f'action="/my/onboarding/{task.pk}/"' in home

    missing = onboarding.client.post(f"/my/onboarding/{task.pk}/", {})
    valid_until = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    done = onboarding.client.post(
        f"/my/onboarding/{task.pk}/",
        {f"{prefix}-file": SimpleUploadedFile("certificate.pdf", PDF), f"{prefix}-expires_on": valid_until},
    )

    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    assert done.status_code == 302 and done["Location"] == "/my/"
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.completed_by == onboarding.user
    assert ComplianceDocument.objects.filter(company=onboarding.company, kind=task.requires_document).exists()


def test_no_one_completes_another_companys_task_or_a_task_of_the_campus(onboarding, other_resident, resident_member):
    task = own_task(onboarding.company, document=False) or own_task(onboarding.company, document=True)
    staff_tasks = OnboardingTask.objects.filter(plan__company=onboarding.company).exclude(owner=TaskOwner.COMPANY)
    campus_task = staff_tasks.first()

    assert other_resident.client.post(f"/my/onboarding/{task.pk}/", {}).status_code == 404
    assert resident_member.client.post(f"/my/onboarding/{task.pk}/", {}).status_code == 404, "company A is another"
    if campus_task is not None:
        assert onboarding.client.post(f"/my/onboarding/{campus_task.pk}/", {}).status_code == 404
    task.refresh_from_db()
    assert task.state == TaskState.PENDING
