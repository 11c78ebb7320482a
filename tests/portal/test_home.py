"""The public home page presents every campus from the database, in English and Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from campus.models import Campus
from tenants.choices import CompanyStatus
from tests.campus.factories import CampusFactory
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--no-admin", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Campus.objects.get(slug="i-campus")


def test_home_presents_the_campus_in_english(client, seeded):
    page = client.get("/").content.decode()

    assert "Wuxi International Life Science Innovation Campus" in page
    assert "无锡国际生命科学创新园" in page
    assert "Wuxi" in page and "300,000 m²" in page
    assert "Sept. 20, 2019" in page
    for stage in ["Research and development", "Incubation", "Demonstration", "Commercial launch"]:
        assert stage in page
    for area in ["Pharmacy", "Diagnosis", "Equipment", "Digitization"]:
        assert area in page
    assert "More than 50 resident companies by Sept. 20, 2022" in page
    assert '<dd class="count" data-testid="resident-count">7</dd>' in page
    assert '<dd class="count" data-testid="partner-count">4</dd>' in page


def test_home_presents_the_campus_in_simplified_chinese(client, seeded):
    response = client.get("/zh-hans/")
    page = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in page
    assert "无锡国际生命科学创新园" in page
    for label in ["研发", "孵化", "展示", "商业化", "医药", "诊断", "器械", "数字化", "入驻企业", "合作机构"]:
        assert label in page
    assert "到 2022年9月20日 入驻企业超过 50 家" in page
    assert "2019年9月20日" in page


def test_language_switcher_moves_to_the_chinese_page(client, seeded):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"
    assert "概览" in client.get(response["Location"]).content.decode()


def test_counts_only_residents_of_each_campus(client):
    campus = CampusFactory(name="North Campus")
    CompanyFactory(campus=campus, status=CompanyStatus.RESIDENT, resident_since=dt.date(2020, 1, 1))
    CompanyFactory(campus=campus, status=CompanyStatus.APPLICANT)
    CompanyFactory(status=CompanyStatus.RESIDENT)  # on another campus

    page = client.get(campus.get_absolute_url()).content.decode()

    assert '<dd class="count" data-testid="resident-count">1</dd>' in page


def test_home_without_any_campus_says_so(client):
    page = client.get("/").content.decode()

    assert "No campus yet" in page


def test_every_campus_is_presented(client):
    CampusFactory(name="East Campus")
    CampusFactory(name="West Campus")

    page = client.get("/").content.decode()

    assert "East Campus" in page and "West Campus" in page


def test_unknown_campus_is_404(client):
    assert client.get("/campuses/nowhere/").status_code == 404


def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(8):
        campus = CampusFactory()
        CompanyFactory(campus=campus)

    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


def test_static_files_are_served_by_the_app(client, live_server):
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/static/css/site.css") as response:  # noqa: S310
        assert response.status == 200
        assert b"--brand" in response.read()
