"""Platform stages as a stage gate: a company reports milestones with evidence, staff or the
advisory member they name accept them or send them back, and staff move the company on, once,
to the next stage only, telling the company and the partners who referred it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from campus.models import PlatformStage
from partners.models import Referral, WebhookDelivery, WebhookEndpoint
from partners.webhooks import new_secret
from portal import kpis
from residents.models import Membership, MilestoneReport, StageMilestone, StageTransition
from residents.services.stages import milestone_accept, milestone_report, stage_move
from tenants.models import Company, DomainEvent
from tests.advisory.factories import AdvisoryMemberFactory
from tests.campus.factories import CampusFactory
from tests.personas import staff_in_role
from tests.tenants.factories import ApplicationFactory, CompanyFactory
from tests.tenants.helpers import PDF

pytestmark = pytest.mark.django_db

CAMPUS_TZ = ZoneInfo(settings.TIME_ZONE)


def pdf(name: str = "trial-approval.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stages_campus(campus):
    campus.platform_stages.set(PlatformStage.objects.all())
    campus.staff_emails = "desk@campus.example.org"
    campus.save()
    return campus


@pytest.fixture
def milestones(stages_campus, resident_company):
    """Company A sits at incubation, whose milestones are two required ones and an optional one."""
    Company.objects.filter(pk=resident_company.pk).update(platform_stage="incubation")
    resident_company.refresh_from_db()

    def make(stage, title, required=True, position=0):
        return StageMilestone.objects.create(
            campus=stages_campus,
            stage=stage,
            title_en=title,
            title_zh_hans=f"{title}（中文）",
            required=required,
            position=position,
        )

    return SimpleNamespace(
        data=make("incubation", "Pre-clinical data package", position=1),
        trial=make("incubation", "Clinical trial approved in China", position=2),
        press=make("incubation", "Press coverage", required=False, position=3),
        earlier=make("research_and_development", "Laboratory set up"),
    )


def report(resident, milestone, note="Approved by the NMPA on 3 March.", evidence=None):
    prefix = f"milestone{milestone.pk}"
    data = {f"{prefix}-note": note}
    if evidence is not False:
        data[f"{prefix}-evidence"] = evidence or pdf()
    return resident.client.post(f"/my/stages/milestones/{milestone.pk}/report/", data)


def reported(company, milestone, actor) -> MilestoneReport:
    return milestone_report(company=company, milestone=milestone, note="Done.", upload=pdf(), actor=actor)


def review(client, report_pk, decision, reason=""):
    return client.post(
        f"/staff/stages/reports/{report_pk}/review/", {"review-decision": decision, "review-reason": reason}
    )


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


# --- Reporting --------------------------------------------------------------------------------


def test_a_member_reports_a_milestone_and_the_admins_hear_of_it_in_their_language(
    resident_admin, resident_member, milestones, django_capture_on_commit_callbacks
):
    Membership.objects.filter(pk=resident_admin.membership.pk).update(language="zh-hans")  # joined in Chinese
    page = resident_member.client.get("/my/stages/").content.decode()
    assert "Clinical trial approved in China" in page and "Laboratory set up" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = report(resident_member, milestones.trial)

    assert response.status_code == 302 and response["Location"] == "/my/stages/"
    saved = MilestoneReport.objects.get()
    assert (saved.state, saved.reported_by) == ("submitted", resident_member.user)
    assert saved.evidence.original_name == "trial-approval.pdf" and saved.evidence.content_type == "application/pdf"
    [to_admin] = mails_to(resident_admin.user.email)
    assert "Clinical trial approved in China（中文）" in to_admin.subject
    assert not mails_to(resident_member.user.email), "the company's admins are told, not every member"
    [to_staff] = mails_to("desk@campus.example.org")
    assert f"/staff/stages/reports/{saved.pk}/" in to_staff.body
    assert "Waiting for review" in resident_member.client.get("/my/stages/").content.decode()


def test_a_report_needs_a_note_and_evidence_and_keeps_what_was_typed(resident_admin, milestones):
    without_file = report(resident_admin, milestones.trial, note="Phase I approved", evidence=False)
    assert without_file.status_code == 400
    assert "Phase I approved" in without_file.content.decode()

    program = SimpleUploadedFile("trial.pdf", b"MZ\x90\x00 program")
    not_a_pdf = report(resident_admin, milestones.trial, evidence=program)
    assert not_a_pdf.status_code == 400
    assert "is not a PDF, PNG, JPEG or Word (.docx) file" in not_a_pdf.content.decode()

    empty_note = report(resident_admin, milestones.trial, note="   ")
    assert empty_note.status_code == 400
    assert not MilestoneReport.objects.exists()


def test_a_milestone_waiting_or_accepted_cannot_be_reported_again(resident_admin, milestones, staff_user):
    assert report(resident_admin, milestones.trial).status_code == 302
    again = resident_admin.client.post(
        f"/my/stages/milestones/{milestones.trial.pk}/report/",
        {f"milestone{milestones.trial.pk}-note": "again", f"milestone{milestones.trial.pk}-evidence": pdf()},
        follow=True,
    )
    assert "waiting for review already" in again.content.decode()

    milestone_accept(report=MilestoneReport.objects.get(), actor=staff_user)
    accepted = report(resident_admin, milestones.trial)
    assert accepted.status_code == 302
    assert MilestoneReport.objects.count() == 1


def test_only_the_milestones_of_the_current_stage_are_reported(resident_admin, milestones):
    response = report(resident_admin, milestones.earlier)

    assert response.status_code == 302
    follow = resident_admin.client.get("/my/stages/").content.decode()
    assert "Only the milestones of your company&#x27;s current stage can be reported." in follow
    assert not MilestoneReport.objects.exists()


def test_finance_sees_the_stage_but_does_not_report(resident_finance, milestones):
    assert resident_finance.client.get("/my/stages/").status_code == 200
    assert report(resident_finance, milestones.trial).status_code == 403


# --- Reviewing --------------------------------------------------------------------------------


def test_staff_accept_a_report_and_the_company_is_told(
    resident_admin, milestones, screening_officer, django_capture_on_commit_callbacks
):
    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = review(staff_client(screening_officer), saved.pk, "accept", "Well documented.")

    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.state, saved.decided_by, saved.reason) == ("accepted", screening_officer, "Well documented.")
    assert saved.decided_at is not None
    [message] = mails_to(resident_admin.user.email)
    assert "Milestone accepted" in message.subject and "Pre-clinical data package" in message.body


def test_sending_back_needs_a_reason_then_the_company_reports_again(
    resident_admin, milestones, screening_officer, django_capture_on_commit_callbacks
):
    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)
    client = staff_client(screening_officer)

    refused = review(client, saved.pk, "send_back")
    assert refused.status_code == 400
    assert "Say why the report is sent back" in refused.content.decode()
    saved.refresh_from_db()
    assert saved.state == "submitted"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert review(client, saved.pk, "send_back", "The approval letter is missing.").status_code == 302
    saved.refresh_from_db()
    assert (saved.state, saved.reason) == ("sent_back", "The approval letter is missing.")
    [message] = mails_to(resident_admin.user.email)
    assert "The approval letter is missing." in message.body

    page = resident_admin.client.get("/my/stages/").content.decode()
    assert "The approval letter is missing." in page and "Report again" in page
    assert report(resident_admin, milestones.trial).status_code == 302
    assert list(MilestoneReport.objects.order_by("pk").values_list("state", flat=True)) == ["sent_back", "submitted"]


def test_a_decided_report_is_not_decided_again(resident_admin, milestones, screening_officer):
    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)
    client = staff_client(screening_officer)
    assert review(client, saved.pk, "accept").status_code == 302

    again = review(client, saved.pk, "send_back", "Changed my mind")

    assert again.status_code == 400
    assert "This report has been reviewed already (Accepted)." in again.content.decode()
    saved.refresh_from_db()
    assert saved.state == "accepted"


def test_staff_without_the_change_permission_read_but_do_not_decide(resident_admin, milestones):
    auditor = staff_in_role("auditor")
    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)
    client = staff_client(auditor)

    assert client.get(f"/staff/stages/reports/{saved.pk}/").status_code == 200
    assert review(client, saved.pk, "accept").status_code == 403
    assert client.get(saved.evidence.get_download_url()).status_code == 200


# --- The advisory member staff name ---------------------------------------------------------------


def test_a_named_advisory_member_reviews_the_report_and_no_other_member_reaches_it(
    resident_admin, milestones, screening_officer, alice, bob, django_capture_on_commit_callbacks
):
    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        named = staff_client(screening_officer).post(
            f"/staff/stages/reports/{saved.pk}/reviewer/", {"reviewer-reviewer": alice.pk}
        )
    assert named.status_code == 302
    saved.refresh_from_db()
    assert (saved.reviewer, saved.reviewer_named_by) == (alice, screening_officer)
    [invitation] = mails_to(alice.email)
    assert f"/advisory/milestones/{saved.pk}/" in invitation.body

    as_alice, as_bob = staff_client(alice.user), staff_client(bob.user)
    assert "1 milestone report waiting for your review" in as_alice.get("/advisory/").content.decode()
    assert "Milestones to review" not in as_bob.get("/advisory/").content.decode()
    assert "Helix Therapeutics" in as_alice.get("/advisory/milestones/").content.decode()
    assert "Helix Therapeutics" not in as_bob.get("/advisory/milestones/").content.decode()
    assert as_alice.get(saved.evidence.get_download_url()).status_code == 200
    assert as_bob.get(f"/advisory/milestones/{saved.pk}/").status_code == 404
    assert as_bob.get(saved.evidence.get_download_url()).status_code == 404
    assert as_bob.post(f"/advisory/milestones/{saved.pk}/", {"review-decision": "accept"}).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        decided = as_alice.post(f"/advisory/milestones/{saved.pk}/", {"review-decision": "accept"})

    assert decided.status_code == 302
    saved.refresh_from_db()
    assert (saved.state, saved.decided_by) == ("accepted", alice.user)
    assert any("Milestone accepted" in message.subject for message in mails_to(resident_admin.user.email))


def test_an_advisory_member_sending_back_gives_a_reason(resident_admin, milestones, staff_user, alice):
    from residents.services.stages import milestone_reviewer_name

    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)
    milestone_reviewer_name(report=saved, member=alice, actor=staff_user)

    refused = staff_client(alice.user).post(f"/advisory/milestones/{saved.pk}/", {"review-decision": "send_back"})

    assert refused.status_code == 400 and "Say why the report is sent back" in refused.content.decode()


def test_the_reviewer_is_a_member_of_the_campus_committee(resident_admin, milestones, screening_officer):
    stranger = AdvisoryMemberFactory(committee__campus=CampusFactory())
    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)

    response = staff_client(screening_officer).post(
        f"/staff/stages/reports/{saved.pk}/reviewer/", {"reviewer-reviewer": stranger.pk}
    )

    assert response.status_code == 400
    saved.refresh_from_db()
    assert saved.reviewer is None


def test_a_member_not_named_cannot_decide_through_the_service(resident_admin, milestones, alice):
    from common.errors import DomainError

    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)

    with pytest.raises(DomainError, match="Only campus staff, or the advisory member they named"):
        milestone_accept(report=saved, actor=alice.user)


# --- Moving on --------------------------------------------------------------------------------


def move(client, company, to_stage, reason="", override_reason=""):
    return client.post(
        f"/staff/stages/companies/{company.pk}/move/",
        {"to_stage": to_stage, "reason": reason, "override_reason": override_reason},
    )


def test_a_company_moves_only_to_the_next_stage(resident_admin, milestones, campus_manager):
    response = move(staff_client(campus_manager), resident_admin.company, "commercial_launch")

    assert response.status_code == 400
    assert "A company moves only to the next stage: from Incubation to Demonstration." in response.content.decode()
    assert not StageTransition.objects.exists()


def test_a_move_needs_the_required_milestones_accepted_or_a_recorded_reason(
    resident_admin, milestones, campus_manager, staff_user, django_capture_on_commit_callbacks
):
    company = resident_admin.company
    milestone_accept(report=reported(company, milestones.data, resident_admin.user), actor=staff_user)
    client = staff_client(campus_manager)

    refused = move(client, company, "demonstration")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "These required milestones are not accepted yet: Clinical trial approved in China." in page
    assert "Pre-clinical data package;" not in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = move(client, company, "demonstration", "Welcome to the demonstration hall.", "Trial starts in May.")

    assert moved.status_code == 302
    company.refresh_from_db()
    assert company.platform_stage == "demonstration"
    transition = StageTransition.objects.get()
    assert (transition.from_stage, transition.to_stage, transition.actor) == (
        "incubation",
        "demonstration",
        campus_manager,
    )
    assert transition.override_reason == "Trial starts in May."
    assert transition.reason == "Welcome to the demonstration hall."
    [message] = mails_to(resident_admin.user.email)
    assert "Demonstration" in message.subject and "Welcome to the demonstration hall." in message.body
    assert company.history.first().platform_stage == "demonstration", "the audit history records the move"


def test_with_every_required_milestone_accepted_the_move_needs_no_reason(
    resident_admin, milestones, campus_manager, staff_user
):
    company = resident_admin.company
    for milestone in (milestones.data, milestones.trial):
        milestone_accept(report=reported(company, milestone, resident_admin.user), actor=staff_user)

    page = staff_client(campus_manager).get("/staff/stages/").content.decode()
    assert "ready to move" in page

    assert move(staff_client(campus_manager), company, "demonstration").status_code == 302
    assert StageTransition.objects.get().override_reason == ""
    assert "Demonstration" in resident_admin.client.get("/my/stages/").content.decode()


def test_a_company_at_the_last_stage_moves_no_further(resident_admin, milestones, staff_user):
    from common.errors import DomainError

    Company.objects.filter(pk=resident_admin.company.pk).update(platform_stage="commercial_launch")

    with pytest.raises(DomainError, match="last platform stage already"):
        stage_move(company=resident_admin.company, to_stage="commercial_launch", actor=staff_user)


def test_a_company_without_a_stage_is_placed_at_the_first_one(campus_manager, stages_campus):
    company = CompanyFactory(campus=stages_campus, platform_stage="")

    assert move(staff_client(campus_manager), company, "research_and_development").status_code == 302

    company.refresh_from_db()
    assert company.platform_stage == "research_and_development"
    assert StageTransition.objects.get().from_stage == ""


def test_who_may_move_a_stage(resident_admin, milestones, screening_officer, space_manager):
    officer = staff_client(screening_officer)
    assert officer.get(f"/staff/stages/companies/{resident_admin.company.pk}/").status_code == 200
    assert move(officer, resident_admin.company, "demonstration", override_reason="x").status_code == 403
    assert staff_client(space_manager).get("/staff/stages/").status_code == 403
    assert not StageTransition.objects.exists()


# --- Partners ---------------------------------------------------------------------------------


@pytest.fixture
def local_receivers(settings):
    """Webhooks may go to the receiver this test runs on 127.0.0.1."""
    settings.WEBHOOKS_ALLOW_LOOPBACK = True


@pytest.mark.usefixtures("local_receivers")
def test_a_move_is_announced_by_webhook_to_the_partner_that_referred_the_company(
    resident_admin, milestones, staff_user, partner_a, partner_b, httpserver, django_capture_on_commit_callbacks
):
    company = resident_admin.company
    application = ApplicationFactory(company=company, campus=company.campus, status="approved")
    Referral.objects.create(
        partner=partner_a,
        application=application,
        company=company,
        contact_name="A",
        contact_email="a@x.org",
        attribution="started",
    )
    Referral.objects.create(
        partner=partner_b,
        application=application,
        company=company,
        contact_name="B",
        contact_email="b@x.org",
        attribution="declined",
    )
    httpserver.expect_request("/a").respond_with_data("ok")
    for partner, path in ((partner_a, "/a"), (partner_b, "/b")):
        WebhookEndpoint.objects.create(
            partner=partner, url=httpserver.url_for(path), event_types=["company.stage_changed"], secret=new_secret()
        )

    with django_capture_on_commit_callbacks(execute=True):
        transition = stage_move(company=company, to_stage="demonstration", actor=staff_user, override_reason="ok")

    event = DomainEvent.objects.get(type="company.stage_changed")
    assert event.payload == {
        "company_id": company.pk,
        "campus_id": company.campus_id,
        "from_stage": "incubation",
        "to_stage": "demonstration",
        "transition_id": transition.pk,
    }
    assert event.published_at is not None
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint.partner == partner_a and delivery.event_type == "company.stage_changed"
    assert delivery.payload["type"] == "company.stage_changed"
    assert delivery.payload["data"] == {
        "referral_id": Referral.objects.get(partner=partner_a).pk,
        "company": "Helix Therapeutics",
        "status": "approved",
        "previous_platform_stage": "incubation",
        "platform_stage": "demonstration",
    }
    assert [request.path for request, _response in httpserver.log] == ["/a"]


@pytest.mark.usefixtures("local_receivers")
def test_partners_may_subscribe_to_the_stage_event_and_read_the_new_stage(
    api_a, resident_admin, milestones, staff_user, httpserver
):
    registered = api_a.post(
        "/api/v1/webhooks/",
        {"url": httpserver.url_for("/a"), "event_types": ["company.stage_changed"]},
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    stage_move(company=resident_admin.company, to_stage="demonstration", actor=staff_user, override_reason="ok")

    companies = api_a.get("/api/v1/companies/").json()["results"]
    assert {row["name"]: row["platform_stage"] for row in companies}["Helix Therapeutics"] == "demonstration"


# --- Who reaches what -------------------------------------------------------------------------


def test_company_b_and_strangers_never_reach_company_a_s_evidence(
    resident_admin, other_resident, milestones, applicant, alice, client, staff_user
):
    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)
    url = saved.evidence.get_download_url()

    assert resident_admin.client.get(url).status_code == 200
    assert other_resident.client.get(url).status_code == 404
    assert applicant.client.get(url).status_code == 404
    assert staff_client(alice.user).get(url).status_code == 404
    assert client.get(url).status_code == 404
    assert (
        "Clinical trial approved"
        not in other_resident.client.get("/my/stages/").content.decode().split("Your reports")[1]
    )


def test_the_stage_pages_of_my_are_for_the_company_s_people_only(milestones, applicant, alice, staff_user, client):
    for path in ("/my/stages/", f"/my/stages/milestones/{milestones.trial.pk}/report/"):
        for anonymous in (client, applicant.client):  # an applicant's link session has no account
            answer = anonymous.get(path) if path.endswith("stages/") else anonymous.post(path)
            assert answer.status_code == 302 and answer["Location"].startswith("/my/login/")
        for outsider in (staff_client(alice.user), staff_client(staff_user)):
            answer = outsider.get(path) if path.endswith("stages/") else outsider.post(path)
            assert answer.status_code == 404


def test_the_staff_pages_are_for_staff_only(resident_admin, milestones, alice):
    saved = reported(resident_admin.company, milestones.trial, resident_admin.user)
    for path in (
        "/staff/stages/",
        "/staff/stages/reports/",
        f"/staff/stages/reports/{saved.pk}/",
        f"/staff/stages/companies/{resident_admin.company.pk}/",
    ):
        for outsider in (resident_admin.client, staff_client(alice.user)):
            assert outsider.get(path).status_code in (302, 404), path
    assert resident_admin.client.post(f"/staff/stages/reports/{saved.pk}/review/", {}).status_code in (302, 404)
    assert resident_admin.client.get(f"/advisory/milestones/{saved.pk}/").status_code == 403


# --- The dashboard ------------------------------------------------------------------------------


def test_the_dashboard_counts_residents_pending_reviews_and_median_days_per_stage(stages_campus, staff_user):
    first = CompanyFactory(campus=stages_campus, name="First", resident_since=dt.date(2024, 1, 1))
    second = CompanyFactory(campus=stages_campus, name="Second", resident_since=dt.date(2024, 1, 1))
    Company.objects.filter(pk__in=[first.pk, second.pk]).update(platform_stage="research_and_development")
    CompanyFactory(campus=stages_campus, name="Third", platform_stage="incubation")
    waiting = StageMilestone.objects.create(campus=stages_campus, stage="incubation", title_en="A", title_zh_hans="甲")
    with time_machine.travel(dt.datetime(2024, 1, 11, tzinfo=CAMPUS_TZ), tick=False):
        stage_move(company=first, to_stage="incubation", actor=staff_user)  # 10 days in R&D
    with time_machine.travel(dt.datetime(2024, 1, 21, tzinfo=CAMPUS_TZ), tick=False):
        stage_move(company=second, to_stage="incubation", actor=staff_user)  # 20 days
    with time_machine.travel(dt.datetime(2024, 3, 11, tzinfo=CAMPUS_TZ), tick=False):
        stage_move(company=first, to_stage="demonstration", actor=staff_user, override_reason="x")  # 60 days
    second.refresh_from_db()
    milestone_report(company=second, milestone=waiting, note="n", upload=pdf(), actor=None)

    table = kpis.stage_pipeline(stages_campus)

    assert table.rows == [
        ["Research and development", 0, 0, 15.0],
        ["Incubation", 2, 1, 60.0],
        ["Demonstration", 1, 0, None],
        ["Commercial launch", 0, 0, None],
    ]
    page = staff_client(staff_user).get("/staff/dashboard/", {"export": "stage_pipeline"})
    assert page.status_code == 200
    assert "Incubation,2,1,60.0" in page.content.decode()
    assert "Commercial launch,0,0," in page.content.decode()


# --- Query counts -------------------------------------------------------------------------------


def _many_milestones(campus, count):
    start = StageMilestone.objects.count()
    return [
        StageMilestone.objects.create(campus=campus, stage="incubation", title_en=f"M{i}", title_zh_hans=f"里程碑{i}")
        for i in range(start, start + count)
    ]


def test_the_lists_run_a_fixed_number_of_queries(
    resident_admin, stages_campus, milestones, staff_user, alice, django_assert_max_num_queries
):
    from residents.services.stages import milestone_reviewer_name

    company = resident_admin.company
    staff, member = staff_client(staff_user), staff_client(alice.user)
    pages = [
        (resident_admin.client, "/my/stages/"),
        (staff, "/staff/stages/"),
        (staff, "/staff/stages/reports/"),
        (staff, f"/staff/stages/companies/{company.pk}/"),
        (member, "/advisory/milestones/"),
    ]

    def add(count):
        for milestone in _many_milestones(stages_campus, count):
            saved = reported(company, milestone, resident_admin.user)
            milestone_reviewer_name(report=saved, member=alice, actor=staff_user)
        CompanyFactory.create_batch(count, campus=stages_campus, platform_stage="incubation")

    add(1)
    baseline = {}
    for client, path in pages:
        with django_assert_max_num_queries(40) as captured:
            assert client.get(path).status_code == 200
        baseline[path] = len(captured)
    add(12)
    for client, path in pages:
        with django_assert_max_num_queries(baseline[path]):
            assert client.get(path).status_code == 200, path


# --- Demo data ----------------------------------------------------------------------------------


def test_the_demo_gives_the_first_batch_stages_and_reports_in_every_state_once():
    import io

    from django.core.management import call_command

    from residents.demo.stages import seed

    call_command("seed_demo", "--no-admin", stdout=io.StringIO())
    company = Company.objects.filter(intake_batch__isnull=False).select_related("campus").first()
    campus = company.campus
    first_batch = list(Company.objects.residents().filter(intake_batch__isnull=False).order_by("name"))

    seed(campus, first_batch)
    counts = (StageMilestone.objects.count(), MilestoneReport.objects.count(), StageTransition.objects.count())
    seed(campus, first_batch)

    assert (StageMilestone.objects.count(), MilestoneReport.objects.count(), StageTransition.objects.count()) == counts
    assert set(MilestoneReport.objects.values_list("state", flat=True)) == {"submitted", "accepted", "sent_back"}
    stages = {row.platform_stage for row in Company.objects.filter(pk__in=[c.pk for c in first_batch])}
    assert {"research_and_development", "incubation", "demonstration"} <= stages
    pipeline = {row[0]: row for row in kpis.stage_pipeline(campus).rows}
    assert pipeline["Research and development"][3] is not None and pipeline["Incubation"][2] == 1
