"""seed_demo loads I·Campus from its published facts, and running it twice changes nothing."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.utils.html import escape

from campus.models import Building, Campus, Space
from portal.management.commands.seed_demo import CHINESE_FILE, FACTS_FILE
from tenants.models import Company, IntakeBatch

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["campus", "tenants", "residents", "partners", "advisory", "auth"]


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> str:
    objects = [
        obj
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        for obj in model.objects.all()
    ]
    return serializers.serialize("json", objects)


def test_seed_loads_the_campus_from_its_facts():
    facts = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
    _seed("--no-admin")

    campus = Campus.objects.get()
    assert campus.name == facts["campus"]["name"]
    assert campus.name_zh_hans == facts["campus"]["name_zh"]
    assert campus.rd_area_m2 == facts["campus"]["rd_area_m2"]
    assert str(campus.opened_on) == facts["campus"]["opened_on"]
    assert [stage.code for stage in campus.platform_stages.all()] == facts["campus"]["platform_stages"]
    assert sorted(area.code for area in campus.business_areas.all()) == sorted(facts["business_areas"])
    target = campus.targets.get()
    assert (target.value, str(target.due_on)) == (50, "2022-09-20")

    batch = IntakeBatch.objects.get()
    assert batch.announced_size == facts["first_intake_batch"]["company_count"]
    residents = Company.objects.residents()
    assert sorted(residents.values_list("name", flat=True)) == sorted(c["name"] for c in facts["companies"])
    assert set(residents.values_list("intake_batch", flat=True)) == {batch.pk}
    assert Company.objects.get(name="Sanomics").country.code == "HK"


def test_seed_gives_the_facts_their_chinese_texts_and_chinese_pages_show_them(client):
    facts = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
    chinese = json.loads(CHINESE_FILE.read_text(encoding="utf-8"))
    _seed("--no-admin")

    assert set(chinese["companies"]) == {company["name"] for company in facts["companies"]}
    assert set(chinese["partners"]) == {partner["name"] for partner in facts["partners"]}
    campus = Campus.objects.get()
    page = client.get(f"/zh-hans/campuses/{campus.slug}/").content.decode()
    assert chinese["campus"]["mission"] in page and "、".join(chinese["campus"]["co_builders"]) in page
    assert chinese["campus"]["province"] in page and chinese["first_intake_batch"]["name"] in page
    assert "300,000" in page and escape(facts["campus"]["mission"]) not in page
    residents = client.get("/zh-hans/residents/").content.decode()
    assert all(texts["description"] in residents for texts in chinese["companies"].values())
    partners = client.get("/zh-hans/partners/").content.decode()
    assert all(texts["name"] in partners for texts in chinese["partners"].values())
    assert escape(facts["campus"]["mission"]) in client.get(f"/campuses/{campus.slug}/").content.decode()


def test_seed_copy_of_the_facts_matches_the_published_file():
    published = FACTS_FILE.parent / "icampus-2019.json"
    assert json.loads(published.read_text(encoding="utf-8"))["campus"]["short_name"] == "I·Campus"


def test_demo_buildings_add_up_to_the_reported_rd_area_and_are_flagged():
    _seed("--no-admin")

    campus = Campus.objects.get()
    buildings = Building.objects.filter(campus=campus)
    assert sum(b.gross_floor_area_m2 for b in buildings) == campus.rd_area_m2 == 300_000
    assert all(b.is_demo for b in buildings)
    kinds = set(Space.objects.values_list("kind", flat=True))
    assert kinds == {
        "laboratory",
        "office",
        "clean_room",
        "pilot_plant",
        "demonstration_hall",
        "showroom",
        "meeting_room",
    }
    assert set(Space.objects.exclude(biosafety_level="").values_list("biosafety_level", flat=True)) == {
        "bsl1",
        "bsl2",
        "bsl3",
    }


def test_seed_twice_changes_nothing():
    _seed()
    before = _snapshot()

    output = _seed()

    assert _snapshot() == before
    assert "no demo account created" in output


def test_seed_prints_the_demo_password_once_and_it_works(client):
    output = _seed()

    password = re.search(r"password: (\S+)", output).group(1)
    signed_in = client.post("/admin/login/", {"username": "admin", "password": password, "next": "/admin/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert "password:" not in _seed()


def test_every_first_batch_resident_has_an_admin_invited_and_can_join(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from residents.models import Invitation
    from tenants.models import Company

    with django_capture_on_commit_callbacks(execute=True):
        _seed()

    residents = Company.objects.filter(status="resident")
    invited = Invitation.objects.open().filter(role="admin")
    assert residents.exists()
    invited_companies = Company.objects.filter(pk__in=invited.values_list("company", flat=True))
    assert set(residents) <= set(invited_companies)
    # The others are demo applicants approved in the demo history (onboarding, or moved out since).
    assert all(c.name.startswith("Demo Applicant · ") for c in set(invited_companies) - set(residents))
    admin_mail = next(m for m in mailoutbox if m.to == [invited.first().email])
    link = re.search(r"/my/join/\S+/", admin_mail.body).group(0)
    client.get(link)
    joined = client.post(
        "/my/join/", {"name": "Demo Admin", "password1": "Lab-bench-2019!", "password2": "Lab-bench-2019!"}
    )
    assert joined.status_code == 302 and client.get("/my/").status_code == 200


@pytest.fixture
def seeded(db):
    _seed("--no-admin")
    return Campus.objects.get()


def test_demo_applications_cover_every_state_over_two_years(seeded):
    from django.utils import timezone

    from tenants.choices import ApplicationStatus
    from tenants.models import Application

    demo = Application.objects.filter(is_demo=True)
    assert set(demo.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert not Application.objects.filter(is_demo=False).exists()
    assert all(name.startswith("Demo Applicant · ") for name in demo.values_list("company__name", flat=True))
    oldest = demo.exclude(submitted_at=None).order_by("submitted_at").first().submitted_at
    assert (timezone.now() - oldest).days > 600
    from tenants.demo_history import PREFIX, STORIES

    decided = demo.filter(status__in=["approved", "rejected"], company__name__in=[PREFIX + s.name for s in STORIES])
    assert decided.count() >= 10
    assert all(a.transitions.filter(to_status=a.status).exclude(actor=None).exists() for a in decided)


def test_every_demo_member_has_a_history_of_submitted_reviews_and_work_pending(seeded, client):
    from advisory.models import AdvisoryMember, Meeting, Review

    for member in AdvisoryMember.objects.filter(is_demo=True):
        assert Review.objects.completed().filter(member=member).count() >= 3
    assert Review.objects.filter(submitted_at=None).exists()
    assert Meeting.objects.filter(minutes="").exists() and Meeting.objects.exclude(minutes="").exists()

    member = Review.objects.filter(submitted_at=None).first().member
    client.force_login(member.user)
    page = client.get("/advisory/")
    assert page.status_code == 200 and page.context["pending"]


def test_every_staff_dashboard_figure_has_data(seeded, staff_client):
    from django.urls import reverse

    page = staff_client.get(reverse("staff_dashboard"))

    assert page.status_code == 200
    empty = [table.key for table in page.context["tables"] if not table.rows]
    assert empty == []
    tables = {table.key: table for table in page.context["tables"]}
    assert any(row[-1] for row in tables["occupancy_by_month"].rows[:6]), "the year's first months are empty"
    assert tables["arrears"].rows, "an arrears case"
    assert page.context["median_days"] is not None
    assert page.context["overdue"]["count"] > 0
    assert page.context["residents"]["count"] > 0


def test_onboarding_board_has_plans_in_progress_with_overdue_tasks(seeded, staff_client):
    page = staff_client.get("/staff/onboarding/")

    plans = list(page.context["page"])
    assert page.status_code == 200
    assert any(plan.completed_at is None and plan.overdue for plan in plans)
    assert any(plan.completed_at is not None for plan in plans)


def test_partners_have_referrals_and_recorded_webhook_deliveries_to_hosts_never_contacted(seeded):
    from urllib.parse import urlsplit

    from partners.models import Referral, WebhookAttempt, WebhookDelivery, WebhookEndpoint

    assert Referral.objects.linked().exists()
    assert all(
        urlsplit(url).hostname.endswith(".invalid") for url in WebhookEndpoint.objects.values_list("url", flat=True)
    )
    assert WebhookDelivery.objects.filter(state="succeeded").exists()
    failing = WebhookDelivery.objects.get(state="pending")
    assert WebhookAttempt.objects.filter(delivery=failing, status_code=503).count() == failing.attempts > 1


def test_service_requests_include_some_past_their_target(seeded):
    from django.db.models import F
    from django.utils import timezone

    from residents.models import ServiceRequest

    late = ServiceRequest.objects.filter(resolved_at__gt=F("resolution_due_at"))
    open_overdue = ServiceRequest.objects.filter(resolved_at=None, resolution_due_at__lt=timezone.now())
    assert late.exists() and open_overdue.exists()
