"""A resident reports a milestone with evidence in a real browser; staff accept it and move the company on."""

from __future__ import annotations

import os

import pytest

from campus.models import PlatformStage
from residents.models import MilestoneReport, StageMilestone, StageTransition
from tenants.models import Company
from tests.personas import RESIDENT_PASSWORD
from tests.tenants.helpers import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_milestone_reported_accepted_and_the_company_moved_on(
    page, live_server, django_user_model, resident_admin, tmp_path
):
    company = resident_admin.company
    company.campus.platform_stages.set(PlatformStage.objects.all())
    Company.objects.filter(pk=company.pk).update(platform_stage="incubation")
    milestone = StageMilestone.objects.create(
        campus=company.campus,
        stage="incubation",
        title_en="Clinical trial approved in China",
        title_zh_hans="获得临床试验批准",
    )
    django_user_model.objects.create_superuser(username="chair", email="c@example.org", password="chair-Passw0rd!")
    evidence = tmp_path / "approval.pdf"
    evidence.write_bytes(PDF)
    shots = os.environ.get("SCREENSHOT_DIR")

    page.goto(f"{live_server.url}/my/login/")
    page.fill("#id_username", resident_admin.user.email)
    page.fill("#id_password", RESIDENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Platform stage").click()
    page.get_by_label("Note").fill("Approved on 3 March.")
    page.get_by_label("Evidence").set_input_files(str(evidence))
    if shots:
        page.screenshot(path=f"{shots}/my-stages.png", full_page=True)
    page.get_by_role("button", name="Report this milestone").click()
    assert "is waiting for review" in page.content()
    report = MilestoneReport.objects.get(milestone=milestone)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/?next=/staff/stages/reports/{report.pk}/")
    page.fill("#id_username", "chair")
    page.fill("#id_password", "chair-Passw0rd!")
    page.click("input[type=submit]")
    page.get_by_label("Accept").check()
    if shots:
        page.screenshot(path=f"{shots}/staff-report.png", full_page=True)
    page.get_by_role("button", name="Save the decision").click()
    assert "Accepted: the company is told." in page.content()

    page.get_by_role("link", name="The company's platform stage").click()
    page.get_by_role("button", name="Move").click()
    assert "moved to Demonstration" in page.content()
    if shots:
        page.goto(f"{live_server.url}/staff/stages/")
        page.screenshot(path=f"{shots}/staff-stages.png", full_page=True)
    assert StageTransition.objects.get().to_stage == "demonstration"
    assert Company.objects.get(pk=company.pk).platform_stage == "demonstration"
