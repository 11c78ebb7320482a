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

PROJECT_APPS = ["campus", "tenants", "residents", "auth"]


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
    assert set(invited.values_list("company", flat=True)) == set(residents.values_list("pk", flat=True))
    admin_mail = next(m for m in mailoutbox if m.to == [invited.first().email])
    link = re.search(r"/my/join/\S+/", admin_mail.body).group(0)
    client.get(link)
    joined = client.post(
        "/my/join/", {"name": "Demo Admin", "password1": "Lab-bench-2019!", "password2": "Lab-bench-2019!"}
    )
    assert joined.status_code == 302 and client.get("/my/").status_code == 200
