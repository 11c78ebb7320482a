"""The admin as staff work: models in sections by task, filters offering what occurs, a space found
by its label, an icon for the browser."""

from __future__ import annotations

import pytest
from django.contrib import admin

from common.admin import PresentChoicesFilter
from portal.admin_site import SECTIONS
from tests.campus.factories import AllocationFactory, CampusFactory, SpaceFactory
from tests.residents.leases_setup import leased
from tests.tenants.factories import ApplicationFactory, CompanyFactory

pytestmark = pytest.mark.django_db

SECTION_NAMES = [
    "Campus & space",
    "Applications & onboarding",
    "Residents",
    "Partners & API",
    "Advisory",
    "Finance",
    "System",
]


def test_the_admin_index_lists_sections_by_task_in_order(staff_client):
    page = staff_client.get("/admin/")

    assert [str(section["name"]) for section in page.context["app_list"]] == SECTION_NAMES
    text = page.content.decode()
    assert [text.index(f">{name.replace('&', '&amp;')}<") for name in SECTION_NAMES] == sorted(
        text.index(f">{name.replace('&', '&amp;')}<") for name in SECTION_NAMES
    )
    space = next(section for section in page.context["app_list"] if section["app_label"] == "space")
    assert [model["object_name"] for model in space["models"]][:4] == ["Campus", "Building", "Space", "Allocation"]


def test_every_model_in_the_admin_is_placed_in_a_section_by_name():
    named = {name for _key, _label, names in SECTIONS for name in names}
    for model in admin.site._registry:
        meta = model._meta
        assert {f"{meta.app_label}.{meta.model_name}", f"{meta.app_label}.*"} & named, meta.label


def test_the_sidebar_of_a_list_shows_the_same_sections(staff_client):
    page = staff_client.get("/admin/campus/space/")

    assert [str(section["name"]) for section in page.context["available_apps"]] == SECTION_NAMES


def test_a_section_has_its_own_page_and_an_unknown_one_is_not_found(staff_client):
    page = staff_client.get("/admin/section/finance/")

    assert page.status_code == 200
    assert [model["object_name"] for model in page.context["app_list"][0]["models"]] == [
        "Lease",
        "Invoice",
        "Payment",
        "StatementImport",
    ]
    assert staff_client.get("/admin/section/nothing/").status_code == 404


def test_the_applications_country_filter_offers_only_the_countries_of_applicants(staff_client):
    ApplicationFactory(company__country="GB")
    ApplicationFactory(company__country="HK")

    page = staff_client.get("/admin/tenants/application/")
    country = next(spec for spec in page.context["cl"].filter_specs if isinstance(spec, PresentChoicesFilter))
    offered = [str(choice["display"]) for choice in country.choices(page.context["cl"])]
    zh = staff_client.get("/zh-hans/admin/tenants/application/")

    assert offered == ["All", "Hong Kong", "United Kingdom"]
    assert "Germany" not in page.content.decode()
    assert "英国" in zh.content.decode() and "德国" not in zh.content.decode()


def test_the_country_filter_selects_the_rows_of_a_country(staff_client):
    british = ApplicationFactory(company__country="GB")
    ApplicationFactory(company__country="HK")

    page = staff_client.get("/admin/tenants/application/", {"company__country__exact": "GB"})

    assert list(page.context["cl"].result_list) == [british]


def test_company_and_campus_country_filters_offer_only_countries_present(staff_client):
    CompanyFactory(country="SG")
    CampusFactory(country="CN")

    companies = staff_client.get("/admin/tenants/company/").content.decode()
    campuses = staff_client.get("/admin/campus/campus/").content.decode()

    assert "Singapore" in companies and "Zambia" not in companies
    assert "China" in campuses and "Zambia" not in campuses


@pytest.mark.parametrize("term", ["needle", "needle.example", "针", "Needle cells"])
def test_company_search_finds_each_word_in_any_searched_field(staff_client, term):
    wanted = CompanyFactory(name="Needle Bio", name_zh="针生物", website="https://needle.example", description="Cells")
    CompanyFactory(name="Haystack Ltd", description="Cells")

    page = staff_client.get("/admin/tenants/company/", {"q": term})

    assert list(page.context["cl"].result_list) == [wanted]


@pytest.mark.parametrize("term", ["A-201", "a-201", "A201"])
def test_allocation_search_finds_a_space_by_its_label(staff_client, term):
    wanted = AllocationFactory(space__building__code="A", space__code="201")
    AllocationFactory(space__building__code="A", space__code="202")

    page = staff_client.get("/admin/campus/allocation/", {"q": term})

    assert list(page.context["cl"].result_list) == [wanted]


def test_lease_search_finds_a_lease_by_its_space_label(staff_client):
    company = CompanyFactory()
    lease = leased(company)
    leased(CompanyFactory(campus=company.campus))
    space = lease.allocations.get().space

    page = staff_client.get("/admin/residents/lease/", {"q": str(space).lower()})

    assert list(page.context["cl"].result_list) == [lease]


def test_space_search_in_chinese_admin_finds_a_201(staff_client):
    space = SpaceFactory(building__code="A", code="201")
    SpaceFactory(building__code="A", code="202")

    page = staff_client.get("/zh-hans/admin/campus/space/", {"q": "A-201"})

    assert list(page.context["cl"].result_list) == [space]


def test_favicon_ico_answers_with_the_sites_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302 and response["Location"].endswith("favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]


def test_the_admin_links_its_icon(staff_client):
    page = staff_client.get("/admin/").content.decode()

    assert 'rel="icon"' in page and "favicon.svg" in page


def test_every_list_in_the_admin_opens_with_its_filters(staff_client):
    ApplicationFactory(company__country="GB")
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert staff_client.get(url).status_code == 200, url
