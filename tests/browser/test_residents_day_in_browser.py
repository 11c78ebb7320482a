"""A resident's day and a staff member's, in a real browser.

The company admin signs in, invites a colleague, edits the public profile in both languages,
reads an announcement, reports a milestone with evidence and raises a service request; a staff
member accepts the milestone, moves the company to its next stage, answers the request and
resolves it; the resident sees both.
"""

from __future__ import annotations

import os
import re

import pytest
from django.utils import timezone

from campus.models import PlatformStage
from residents.models import (
    Announcement,
    AnnouncementReceipt,
    Invitation,
    MilestoneReport,
    ServiceRequest,
    StageMilestone,
)
from residents.services.announcements import announcement_publish, announcement_save
from tenants.models import Company
from tests.personas import RESIDENT_PASSWORD
from tests.tenants.helpers import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PASSWORD = "chair-Passw0rd!"


@pytest.fixture
def campus_day(resident_admin, django_user_model):
    """Company A at incubation, a milestone to report, an announcement, and a campus manager."""
    company = resident_admin.company
    company.campus.platform_stages.set(PlatformStage.objects.all())
    Company.objects.filter(pk=company.pk).update(platform_stage="incubation")
    StageMilestone.objects.create(
        campus=company.campus,
        stage="incubation",
        title_en="Clinical trial approved in China",
        title_zh_hans="获得临床试验批准",
    )
    announcement = announcement_save(
        announcement=Announcement(
            campus=company.campus,
            audience="campus",
            title_en="Fire drill on Friday",
            title_zh="周五消防演习",
            body_en="Leave by the nearest exit when the alarm sounds.",
            body_zh="警报响起时请从最近的出口离开。",
        )
    )
    announcement_publish(announcement=announcement, at=timezone.now())
    django_user_model.objects.create_superuser(username="chair", email="chair@example.org", password=STAFF_PASSWORD)
    return announcement


def sign_in(page, url: str, username: str, password: str, button: str = "Sign in") -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("main").get_by_role("button", name=button).click()


def test_a_residents_day_and_the_campus_staffs(page, live_server, resident_admin, campus_day, tmp_path):
    company = resident_admin.company
    evidence = tmp_path / "approval.pdf"
    evidence.write_bytes(PDF)
    shots = os.environ.get("SCREENSHOT_DIR")
    main = page.locator("main")

    # The company admin signs in and invites a colleague.
    sign_in(page, f"{live_server.url}/my/login/", resident_admin.user.email, RESIDENT_PASSWORD)
    assert page.url.endswith("/my/")
    main.get_by_role("link", name="Team").click()
    page.fill("#id_email", "kai@helix.example.com")
    page.fill("#id_name", "Kai Chen")
    page.select_option("#id_role", "finance")
    page.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent to kai@helix.example.com." in page.content()
    assert Invitation.objects.open().get(email="kai@helix.example.com").role == "finance"

    # The public profile, in English, then in Chinese from the Chinese pages.
    main.get_by_role("link", name="Public profile").click()
    page.get_by_label("Description in English").fill("Antibody therapies for liver disease.")
    page.get_by_role("button", name="Save the profile").click()
    assert "Profile saved." in page.content()
    page.goto(f"{live_server.url}/zh-hans/my/profile/")
    page.get_by_label("中文简介").fill("治疗肝病的抗体疗法。")
    page.get_by_role("button", name="保存资料").click()
    assert "资料已保存。" in page.content()
    company.refresh_from_db()
    assert company.description_en == "Antibody therapies for liver disease."
    assert company.description_zh_hans == "治疗肝病的抗体疗法。"
    if shots:
        page.screenshot(path=f"{shots}/my-profile-zh.png", full_page=True)

    # An announcement, read.
    page.goto(f"{live_server.url}/my/announcements/")
    main.get_by_role("link", name="Fire drill on Friday").click()
    assert "Leave by the nearest exit" in page.content()
    assert AnnouncementReceipt.objects.get(announcement=campus_day, user=resident_admin.user).read_at

    # A milestone reported with evidence.
    main.get_by_role("link", name="Platform stage").click()
    page.get_by_label("Note").fill("Approved on 3 March.")
    page.get_by_label("Evidence").set_input_files(str(evidence))
    page.get_by_role("button", name="Report this milestone").click()
    assert "is waiting for review" in page.content()
    report = MilestoneReport.objects.get()

    # A service request raised.
    page.goto(f"{live_server.url}/my/requests/new/")
    page.get_by_label("Category").select_option("facilities")
    page.get_by_label("Subject").fill("Fume hood alarm in lab 3-12")
    page.get_by_label("Description").fill("The alarm sounds although the sash is closed.")
    page.get_by_role("button", name="Send the request").click()
    service_request = ServiceRequest.objects.get()
    assert f"Request {service_request.reference} sent to the campus." in page.content()
    if shots:
        page.screenshot(path=f"{shots}/my-request.png", full_page=True)

    # Campus staff: accept the milestone, move the company on, answer and resolve the request.
    page.context.clear_cookies()
    staff_url = f"{live_server.url}/admin/login/?next=/staff/stages/reports/{report.pk}/"
    sign_in(page, staff_url, "chair", STAFF_PASSWORD, "Log in")
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Save the decision").click()
    assert "Accepted: the company is told." in page.content()
    page.get_by_role("link", name="The company's platform stage").click()
    page.get_by_role("button", name="Move").click()
    assert "moved to Demonstration" in page.content()

    page.goto(f"{live_server.url}/staff/requests/")
    page.get_by_role("link", name=re.compile(service_request.reference)).first.click()
    reply = page.locator("section[aria-labelledby=reply-heading]")
    reply.locator("textarea").fill("A technician comes at 14:00.")
    reply.get_by_role("button", name="Send the reply").click()
    move = page.locator("section[aria-labelledby=move-heading]")
    move.locator("select").select_option("resolved")
    move.locator("textarea").fill("Sensor replaced.")
    move.get_by_role("button", name="Change the state").click()
    service_request.refresh_from_db()
    assert service_request.state == "resolved"
    if shots:
        page.screenshot(path=f"{shots}/staff-request.png", full_page=True)

    # Back to the resident: the new stage and the answer.
    page.context.clear_cookies()
    sign_in(page, f"{live_server.url}/my/login/", resident_admin.user.email, RESIDENT_PASSWORD)
    page.goto(f"{live_server.url}/my/requests/{service_request.pk}/")
    assert "A technician comes at 14:00." in page.content() and "Sensor replaced." in page.content()
    main.get_by_role("link", name="Platform stage").click()
    assert "Demonstration" in page.content()
