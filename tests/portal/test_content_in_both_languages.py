"""Campus, batch, partner and company texts read in the page's language, with the other as fallback.

The texts are django-modeltranslation fields (``<field>_en``, ``<field>_zh_hans``); numbers and dates
follow the page's locale.
"""

from __future__ import annotations

import pytest

from residents.models import StageMilestone
from tests.campus.factories import CampusFactory
from tests.partners.factories import PartnerFactory
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

MISSION_EN = "An innovation incubation platform for the whole life cycle."
MISSION_ZH = "覆盖全生命周期的创新孵化平台。"


@pytest.fixture
def wuxi():
    campus = CampusFactory(
        slug="wuxi",
        name_en="Wuxi International Life Science Innovation Campus",
        name_zh_hans="无锡国际生命科学创新园",
        city_en="Wuxi",
        city_zh_hans="无锡市",
        district_en="Wuxi National High-tech District",
        district_zh_hans="无锡国家高新技术产业开发区",
        province_en="Jiangsu",
        province_zh_hans="江苏省",
        mission_en=MISSION_EN,
        mission_zh_hans=MISSION_ZH,
        co_builders_en="AstraZeneca\nWuxi Municipal Government",
        co_builders_zh_hans="阿斯利康\n无锡市人民政府",
        rd_area_m2=300000,
    )
    campus.intake_batches.create(name_en="First batch", name_zh_hans="首批", announced_size=10)
    return campus


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_chinese_campus_page_shows_the_chinese_texts_and_the_english_one_the_english(client, wuxi):
    chinese = _page(client, "/zh-hans/campuses/wuxi/")
    english = _page(client, "/campuses/wuxi/")

    assert f'<p class="mission" lang="zh-Hans">{MISSION_ZH}</p>' in chinese and MISSION_EN not in chinese
    assert "中国 江苏省 无锡市 无锡国家高新技术产业开发区" in chinese
    assert '<dd lang="zh-Hans">阿斯利康、无锡市人民政府</dd>' in chinese
    assert '<strong lang="zh-Hans">首批</strong>' in chinese
    assert f'<p class="mission" lang="en">{MISSION_EN}</p>' in english and MISSION_ZH not in english
    assert "Wuxi, Wuxi National High-tech District, Jiangsu, China" in english
    assert '<dd lang="en">AstraZeneca, Wuxi Municipal Government</dd>' in english
    assert '<strong lang="en">First batch</strong>' in english


def test_the_area_reads_with_thousands_separated_in_both_languages(client, wuxi):
    assert "300,000 m²" in _page(client, "/campuses/wuxi/")
    assert "300000" not in _page(client, "/zh-hans/campuses/wuxi/")
    assert "300,000" in _page(client, "/zh-hans/campuses/wuxi/")


def test_dates_follow_the_page_locale(client, wuxi):
    assert "2019年9月20日" in _page(client, "/zh-hans/campuses/wuxi/")
    assert "Sept. 20, 2019" in _page(client, "/campuses/wuxi/")


def test_a_text_missing_in_one_language_is_shown_in_the_other_with_its_own_lang(client, wuxi):
    wuxi.mission_zh_hans = ""
    wuxi.co_builders_en = ""
    wuxi.save()

    chinese = _page(client, "/zh-hans/campuses/wuxi/")
    english = _page(client, "/campuses/wuxi/")

    assert f'<p class="mission" lang="en">{MISSION_EN}</p>' in chinese
    assert '<dd lang="zh-Hans">阿斯利康, 无锡市人民政府</dd>' in english


def test_the_resident_directory_shows_descriptions_in_the_page_language_or_the_other(client, wuxi):
    both = CompanyFactory(
        campus=wuxi, name="Tigermed", description_en="Clinical trials", description_zh_hans="临床试验"
    )
    english_only = CompanyFactory(campus=wuxi, name="Omron", description_en="Medical equipment")
    chinese_only = CompanyFactory(campus=wuxi, name="Tricog", description_zh_hans="医疗人工智能")

    chinese = _page(client, "/zh-hans/residents/")
    english = _page(client, "/residents/")

    assert '<p lang="zh-Hans">临床试验</p>' in chinese and "Clinical trials" not in chinese
    assert '<p lang="en">Medical equipment</p>' in chinese
    assert '<p lang="en">Clinical trials</p>' in english and "临床试验" not in english
    assert '<p lang="zh-Hans">医疗人工智能</p>' in english
    detail = _page(client, f"/zh-hans/residents/{both.slug}/")
    assert '<p class="mission" lang="zh-Hans">临床试验</p>' in detail
    assert english_only.name in chinese and chinese_only.name in english


def test_the_partner_page_names_partners_in_the_page_language_or_the_other(client, wuxi):
    PartnerFactory(name_en="UK BioIndustry Association", name_zh_hans="英国生物产业协会")
    PartnerFactory(name_en="Skolkovo Innovation Center")

    chinese = _page(client, "/zh-hans/partners/")
    english = _page(client, "/partners/")

    assert '<h2 lang="zh-Hans">英国生物产业协会</h2>' in chinese
    assert '<h2 lang="en">Skolkovo Innovation Center</h2>' in chinese
    assert '<h2 lang="en">UK BioIndustry Association</h2>' in english and "英国生物产业协会" not in english


def test_the_api_keeps_its_keys_whatever_language_the_request_asks_for(api_a, wuxi):
    CompanyFactory(campus=wuxi, name="Tigermed", description_en="Clinical trials", description_zh_hans="临床试验")
    CompanyFactory(campus=wuxi, name="Omron", description_en="Medical equipment")

    for language in ["en", "zh-hans"]:
        companies = {
            row["name"]: row for row in api_a.get("/api/v1/companies/", HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        }
        campus = api_a.get("/api/v1/campuses/wuxi/", HTTP_ACCEPT_LANGUAGE=language).json()
        me = api_a.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=language).json()

        assert (companies["Tigermed"]["description"], companies["Tigermed"]["description_zh"]) == (
            "Clinical trials",
            "临床试验",
        )
        assert (companies["Omron"]["description"], companies["Omron"]["description_zh"]) == ("Medical equipment", "")
        assert (campus["name"], campus["name_zh"], campus["city"]) == (
            "Wuxi International Life Science Innovation Campus",
            "无锡国际生命科学创新园",
            "Wuxi",
        )
        assert (me["partner"]["name"], me["partner"]["name_zh"]) == ("Skolkovo Innovation Center", "")


def test_staff_edit_each_translated_text_in_both_languages_in_the_admin(staff_client, wuxi):
    company = CompanyFactory(campus=wuxi, description_en="Clinical trials", description_zh_hans="临床试验")
    partner = PartnerFactory(name_en="UK BioIndustry Association", name_zh_hans="英国生物产业协会")
    milestone = StageMilestone.objects.create(
        campus=wuxi, stage="incubation", title_en="Trial approved", title_zh_hans="试验获批"
    )
    pages = {
        f"/admin/campus/campus/{wuxi.pk}/change/": ["mission_en", "mission_zh_hans", "co_builders_zh_hans"],
        f"/admin/tenants/intakebatch/{wuxi.intake_batches.get().pk}/change/": ["name_en", "name_zh_hans"],
        f"/admin/tenants/company/{company.pk}/change/": ["description_en", "description_zh_hans"],
        f"/admin/partners/partner/{partner.pk}/change/": ["name_en", "name_zh_hans"],
        f"/admin/residents/stagemilestone/{milestone.pk}/change/": ["title_en", "title_zh_hans"],
        "/admin/residents/stagemilestone/add/": ["title_en", "description_zh_hans"],
        "/admin/campus/campus/add/": ["name_en", "name_zh_hans", "city_en", "city_zh_hans"],
        "/admin/partners/partner/add/": ["name_en", "name_zh_hans"],
        "/admin/tenants/intakebatch/add/": ["name_en", "signed_at_zh_hans"],
    }
    for path, fields in pages.items():
        response = staff_client.get(path)
        assert response.status_code == 200, path
        form_fields = response.context["adminform"].form.fields
        assert set(fields) <= set(form_fields), path
    assert "临床试验" in staff_client.get(f"/admin/tenants/company/{company.pk}/change/").content.decode()
    assert staff_client.get("/admin/partners/partner/", {"q": "生物产业"}).context["cl"].result_count == 1


def test_the_chinese_milestone_title_is_optional_and_the_english_one_is_required_in_the_admin(staff_client, wuxi):
    data = {
        "campus": wuxi.pk,
        "stage": "incubation",
        "position": 0,
        "required": "on",
        "title_en": "",
        "title_zh_hans": "",
    }

    refused = staff_client.post("/admin/residents/stagemilestone/add/", data)
    accepted = staff_client.post("/admin/residents/stagemilestone/add/", {**data, "title_en": "Trial approved"})

    assert refused.status_code == 200 and "title_en" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    milestone = StageMilestone.objects.get()
    assert (milestone.title_en, milestone.title_zh_hans or "") == ("Trial approved", "")


def test_the_apply_form_keeps_each_language_of_the_description_in_its_own_column(client, wuxi):
    from tenants.models import Application
    from tests.tenants.helpers import company_data

    client.post("/apply/", company_data(wuxi, description="Blood tests for early cancer detection."))
    chinese_step = client.get("/zh-hans/apply/step/company/")
    # Shown on the Chinese page, the Chinese column is empty: the English text is not offered as Chinese.
    assert chinese_step.context["form"]["description"].value() == ""
    client.post("/zh-hans/apply/step/company/", company_data(wuxi, description="用于癌症早筛的血液检测。"))
    company = Application.objects.get().company
    english_step = client.get("/apply/step/company/")

    assert (company.description_en, company.description_zh_hans) == (
        "Blood tests for early cancer detection.",
        "用于癌症早筛的血液检测。",
    )
    assert english_step.context["form"]["description"].value() == "Blood tests for early cancer detection."
