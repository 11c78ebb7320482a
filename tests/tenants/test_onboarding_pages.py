"""The company's checklist behind its status link, and the staff onboarding board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tenants.choices import ApplicationStatus as S
from tenants.choices import ComplianceKind, TaskState
from tenants.models import ComplianceDocument, OnboardingPlan
from tenants.services.applications import application_transition
from tenants.services.onboarding import compliance_documents_check
from tests.personas import applicant_following
from tests.tenants.factories import ApplicationFactory, CompanyFactory, ComplianceDocumentFactory
from tests.tenants.files import docx, pixel_bomb_png
from tests.tenants.helpers import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.APPLICATION_MIN_REVIEWS = 0
    settings.CAMPUS_STAFF_EMAILS = ["staff@campus.example.org"]


@pytest.fixture
def plan(staff_user):
    application = ApplicationFactory(status=S.COMMITTEE_REVIEW)
    application_transition(application=application, to=S.APPROVED, actor=staff_user)
    return OnboardingPlan.objects.get(application=application)


@pytest.fixture
def company_client(client, plan):
    return applicant_following(plan.application, "ceo@applicant.example.com", client).client


def test_company_sees_its_checklist_and_completes_its_task_with_a_certificate(company_client, plan):
    page = company_client.get("/apply/status/").content.decode()
    assert "Onboarding checklist" in page and "Upload the insurance certificate" in page and "Allocate space" in page

    task = plan.tasks.get(requires_document=ComplianceKind.INSURANCE_CERTIFICATE)
    response = company_client.post(
        f"/apply/onboarding/{task.pk}/",
        {f"task{task.pk}-file": pdf("insurance.pdf"), f"task{task.pk}-expires_on": "2030-06-30"},
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.completed_by_email == "ceo@applicant.example.com"
    document = ComplianceDocument.objects.get()
    assert (document.kind, document.expires_on) == (ComplianceKind.INSURANCE_CERTIFICATE, dt.date(2030, 6, 30))


def test_company_upload_follows_the_application_rules(company_client, plan):
    task = plan.tasks.get(requires_document=ComplianceKind.RESIDENCY_AGREEMENT)

    response = company_client.post(
        f"/apply/onboarding/{task.pk}/", {f"task{task.pk}-file": SimpleUploadedFile("agreement.pdf", b"MZ" + b"0" * 50)}
    )

    assert response.status_code == 400
    assert "is not a PDF, PNG, JPEG or Word" in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.PENDING


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("agreement.png", pixel_bomb_png(), "has too many pixels"),
        ("agreement.docx", docx(("word/vbaProject.bin", b"\x00" * 64)), "contains macros"),
    ],
)
def test_company_upload_is_checked_to_its_end(company_client, plan, name, content, message):
    task = plan.tasks.get(requires_document=ComplianceKind.RESIDENCY_AGREEMENT)

    upload = SimpleUploadedFile(name, content)

    response = company_client.post(f"/apply/onboarding/{task.pk}/", {f"task{task.pk}-file": upload})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ComplianceDocument.objects.exists()
    task.refresh_from_db()
    assert task.state == TaskState.PENDING


def test_company_cannot_complete_staff_tasks_or_another_companys(company_client, plan, staff_user):
    staff_task = plan.tasks.get(title_en="Allocate space")
    other = ApplicationFactory(status=S.COMMITTEE_REVIEW)
    application_transition(application=other, to=S.APPROVED, actor=staff_user)
    foreign = OnboardingPlan.objects.get(application=other).tasks.get(title_en="Sign the residency agreement")

    assert company_client.post(f"/apply/onboarding/{staff_task.pk}/").status_code == 404
    assert company_client.post(f"/apply/onboarding/{foreign.pk}/", {f"task{foreign.pk}-file": pdf()}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == TaskState.PENDING


def test_board_lists_plans_with_overdue_tasks_first(staff_client, staff_user):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        late = ApplicationFactory(status=S.COMMITTEE_REVIEW, company__name="Late Starter")
        application_transition(application=late, to=S.APPROVED, actor=staff_user)
    fresh = ApplicationFactory(status=S.COMMITTEE_REVIEW, company__name="Fresh Start")
    application_transition(application=fresh, to=S.APPROVED, actor=staff_user)

    page = staff_client.get("/staff/onboarding/").content.decode()

    assert page.index("Late Starter") < page.index("Fresh Start")
    assert "overdue" in page


def test_staff_waive_with_a_reason_and_complete_on_the_board(staff_client, plan):
    it = plan.tasks.get(title_en="Create IT accounts")
    badges = plan.tasks.get(title_en="Issue access badges")

    staff_client.post(f"/staff/onboarding/tasks/{it.pk}/", {"action": "waive", "reason": ""})
    it.refresh_from_db()
    assert it.state == TaskState.PENDING  # no reason, no waiver
    staff_client.post(f"/staff/onboarding/tasks/{it.pk}/", {"action": "waive", "reason": "Own IT."})
    staff_client.post(f"/staff/onboarding/tasks/{badges.pk}/", {"action": "done"})

    it.refresh_from_db()
    badges.refresh_from_db()
    assert (it.state, it.waived_reason) == (TaskState.WAIVED, "Own IT.")
    assert badges.state == TaskState.DONE


def test_board_is_for_staff_only(client, django_user_model, plan):
    assert client.get("/staff/onboarding/").status_code == 302
    client.force_login(django_user_model.objects.create_user(username="visitor"))
    assert client.get("/staff/onboarding/").status_code == 302
    task = plan.tasks.first()
    client.post(f"/staff/onboarding/tasks/{task.pk}/", {"action": "done"})
    task.refresh_from_db()
    assert task.state == TaskState.PENDING


def test_board_runs_a_fixed_number_of_queries(staff_client, staff_user, django_assert_max_num_queries):
    for _ in range(6):
        application = ApplicationFactory(status=S.COMMITTEE_REVIEW)
        application_transition(application=application, to=S.APPROVED, actor=staff_user)

    with django_assert_max_num_queries(10):
        assert staff_client.get("/staff/onboarding/").status_code == 200


def test_admin_waive_action_asks_for_a_reason(staff_client, plan):
    task = plan.tasks.get(title_en="Welcome meeting")
    url = reverse("admin:tenants_onboardingtask_changelist")

    ask = staff_client.post(url, {"action": "waive", "_selected_action": [task.pk]})
    assert "Reason for waiving" in ask.content.decode()
    staff_client.post(url, {"action": "waive", "_selected_action": [task.pk], "apply": "1", "reason": "Met already."})

    task.refresh_from_db()
    assert (task.state, task.waived_reason) == (TaskState.WAIVED, "Met already.")


def test_expiring_documents_remind_the_company_and_expired_ones_escalate_once(plan, django_capture_on_commit_callbacks):
    today = dt.date(2026, 6, 1)
    ComplianceDocumentFactory(company=plan.company, expires_on=today + dt.timedelta(days=20))
    ComplianceDocumentFactory(
        company=plan.company, expires_on=today - dt.timedelta(days=1), kind=ComplianceKind.BIOSAFETY_PERMIT
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = compliance_documents_check(today)
        second = compliance_documents_check(today)

    assert first == {"reminded": 1, "escalated": 1}
    assert second == {"reminded": 0, "escalated": 0}
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "expires on" in subjects[plan.application.contacts.get().email]
    assert "Expired" in subjects["staff@campus.example.org"]


def test_admin_flags_companies_with_expired_documents(staff_client):
    lapsed = CompanyFactory(name="Lapsed Ltd")
    ComplianceDocumentFactory(company=lapsed, expires_on=dt.date(2020, 1, 1))
    CompanyFactory(name="Current Ltd")

    response = staff_client.get(reverse("admin:tenants_company_changelist"), {"documents": "expired"})

    assert [c.name for c in response.context["cl"].result_list] == ["Lapsed Ltd"]


def test_schedules_are_visible_to_staff(staff_client):
    page = staff_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()

    for name in ["Deliver pending e-mails (outbox relay)", "Remind owners of overdue onboarding tasks"]:
        assert name in page
