"""Platform-stage data in the API for campus staff: milestone reports and stage moves, read-only.

Partner tokens never read them (403 whatever their scopes); residents and signed-out callers
get 401; a staff role reads only what its permissions show it.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from campus.models import PlatformStage
from residents.models import StageMilestone
from residents.services.stages import milestone_accept, milestone_report, stage_move
from tenants.models import Company
from tests.personas import staff_in_role
from tests.tenants.factories import PDF

pytestmark = pytest.mark.django_db

ROUTES = ["/api/v1/milestone-reports/", "/api/v1/stage-transitions/"]


@pytest.fixture
def moved(resident_admin, campus_manager):
    """Company A reported its incubation milestone, had it accepted, and moved to demonstration."""
    company = resident_admin.company
    company.campus.platform_stages.set(PlatformStage.objects.all())
    Company.objects.filter(pk=company.pk).update(platform_stage="incubation")
    milestone = StageMilestone.objects.create(
        campus=company.campus, stage="incubation", title_en="Trial approved", title_zh_hans="试验获批"
    )
    report = milestone_report(
        company=company,
        milestone=milestone,
        note="Approved in March.",
        upload=SimpleUploadedFile("approval.pdf", PDF),
        actor=resident_admin.user,
    )
    milestone_accept(report=report, actor=campus_manager)
    return stage_move(company=company, to_stage="demonstration", actor=campus_manager, reason="Ready.")


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_read_reports_and_moves(moved, campus_manager, resident_admin):
    client = staff_client(campus_manager)

    reports = client.get("/api/v1/milestone-reports/", {"company": resident_admin.company.slug}).json()["results"]
    moves = client.get("/api/v1/stage-transitions/", {"to_stage": "demonstration"}).json()["results"]

    assert [(r["milestone"], r["state"], r["stage"]) for r in reports] == [("Trial approved", "accepted", "incubation")]
    assert [(m["from_stage"], m["to_stage"], m["reason"], m["actor"]) for m in moves] == [
        ("incubation", "demonstration", "Ready.", campus_manager.get_username())
    ]
    assert client.get(f"/api/v1/stage-transitions/{moved.pk}/").json()["company"] == resident_admin.company.slug


@pytest.mark.parametrize("route", ROUTES)
def test_partners_residents_and_strangers_never_read_stage_data(route, moved, api_a, resident_admin, client):
    assert api_a.get(route).status_code == 403, "a partner token, whatever its scopes"
    assert resident_admin.client.get(route).status_code == 401
    assert client.get(route).status_code == 401


@pytest.mark.parametrize("route", ROUTES)
def test_a_staff_role_without_stage_permissions_is_refused(route, moved):
    assert staff_client(staff_in_role("space_manager")).get(route).status_code == 403


@pytest.mark.parametrize("route", ROUTES)
def test_the_lists_cost_the_same_queries_for_one_row_or_many(route, moved, campus_manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from residents.models import MilestoneReport, StageTransition
    from tests.tenants.factories import CompanyFactory

    client = staff_client(campus_manager)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = len(client.get(route).json()["results"])
        return rows, len(captured)

    one = queries()
    report = MilestoneReport.objects.get()
    for _ in range(10):
        company = CompanyFactory(campus=moved.company.campus)
        MilestoneReport.objects.create(company=company, milestone=report.milestone, note="n")
        StageTransition.objects.create(company=company, to_stage="incubation", actor=campus_manager)
    many = queries()

    assert (one[0], many[0]) == (1, 11)
    assert one[1] == many[1]
