"""The public resident directory shows residents only, and only their public fields."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campus.models import BusinessArea
from tenants.choices import CompanyStatus
from tenants.models import Company, FocusArea
from tests.tenants.factories import ApplicationFactory, CompanyFactory

pytestmark = pytest.mark.django_db


def test_directory_lists_residents_and_never_applicants_or_private_fields(client):
    resident = CompanyFactory(name="Sanomics", country="HK", status=CompanyStatus.RESIDENT)
    ApplicationFactory(company=resident, status="approved")
    CompanyFactory(name="Secret Applicant", status=CompanyStatus.APPLICANT)
    CompanyFactory(name="Still Onboarding", status=CompanyStatus.ONBOARDING)

    page = client.get("/residents/").content.decode()

    assert "Sanomics" in page and "Hong Kong" in page
    assert "Secret Applicant" not in page and "Still Onboarding" not in page
    assert "@applicant.example.com" not in page


def test_directory_filters_by_country_business_area_focus_area_and_text(client):
    diagnosis = BusinessArea.objects.get(code="diagnosis")
    ai = FocusArea.objects.get(code="ai_diagnosis")
    tricog = CompanyFactory(name="Tricog", country="IN", description="Healthcare AI")
    tricog.business_areas.add(diagnosis)
    tricog.focus_areas.add(ai)
    CompanyFactory(name="Omron", country="JP", description="Medical equipment")

    for query in [{"country": "IN"}, {"business_area": diagnosis.pk}, {"focus_area": ai.pk}, {"q": "healthcare"}]:
        names = [c.name for c in client.get("/residents/", query).context["page"].object_list]
        assert names == ["Tricog"], query


def test_directory_paginates_and_keeps_filters(client):
    for index in range(25):
        CompanyFactory(name=f"Resident {index:02}", country="GB")

    first = client.get("/residents/", {"country": "GB"})
    second = client.get("/residents/", {"country": "GB", "page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert "country=GB&amp;page=2" in first.content.decode()


def test_empty_directory_says_so(client):
    assert "No resident company matches these filters." in client.get("/residents/").content.decode()


def test_company_page_for_a_resident_only(client):
    resident = CompanyFactory(name="Abcodia", status=CompanyStatus.RESIDENT)
    applicant = CompanyFactory(name="Hidden Co", status=CompanyStatus.APPLICANT)

    assert "Abcodia" in client.get(resident.get_absolute_url()).content.decode()
    assert client.get(f"/residents/{applicant.slug}/").status_code == 404


def test_directory_in_chinese(client):
    CompanyFactory(name="Tigermed", country="CN")

    page = client.get("/zh-hans/residents/").content.decode()

    assert "入驻企业" in page and "中国" in page and "Tigermed" in page


def test_directory_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    areas = list(BusinessArea.objects.all())
    for index in range(20):
        company = CompanyFactory(name=f"Resident {index}")
        company.business_areas.set(areas[:2])

    with django_assert_max_num_queries(6):
        assert client.get("/residents/").status_code == 200
    # The same page again comes from the cache: one statement reads the directory's stamp.
    with django_assert_max_num_queries(1):
        assert "Resident 19" in client.get("/residents/").content.decode()


def test_a_changed_company_shows_at_once_on_a_cached_directory_page(client):
    company = CompanyFactory(name="Sanomics", country="HK", description="Cancer screening")
    assert "Cancer screening" in client.get("/residents/").content.decode()

    company.description = "Early detection of cancer"
    company.save()
    company.business_areas.set([BusinessArea.objects.get(code="diagnosis")])
    Company.refresh_area_codes([company.pk])
    page = client.get("/residents/").content.decode()
    assert "Early detection of cancer" in page and "Diagnosis" in page

    company.listed = False
    company.save()
    assert "Sanomics" not in client.get("/residents/").content.decode()


def test_the_directory_keeps_a_finite_set_of_pages_and_never_other_spellings(client, django_assert_max_num_queries):
    CompanyFactory(name="Tigermed", name_zh="泰格医药", country="CN")
    area = BusinessArea.objects.get(code="diagnosis")
    form = {"q": "", "country": "CN", "business_area": "", "focus_area": ""}
    kept = [("/residents/", {}), ("/zh-hans/residents/", {}), ("/residents/", {"country": "CN"})]
    kept += [("/residents/", form), ("/residents/", {"business_area": str(area.pk), "page": "1"})]
    not_kept = [
        {"q": "tiger"},  # free text
        {"country": "XX"},  # not a choice
        {"business_area": f"00{area.pk}"},  # another spelling of a choice
        {"country": "CN", "business_area": str(area.pk)},  # several filters
        {"page": "6"},  # past the pages kept
        {"page": "999"},
        {"utm_source": "mail"},
    ]
    for path, query in kept + [("/residents/", query) for query in not_kept]:
        client.get(path, query)

    for path, query in kept:
        with django_assert_max_num_queries(1):
            client.get(path, query)
    for query in not_kept:
        with CaptureQueriesContext(connection) as queries:
            client.get("/residents/", query)
        assert len(queries) > 1, query
    assert "泰格医药" in client.get("/zh-hans/residents/").content.decode()
    assert "泰格医药" not in client.get("/residents/").content.decode()
    invalid = client.get("/residents/", {"country": "XX"}).content.decode()
    assert "Select a valid choice" in invalid and "XX" in invalid


def test_a_deleted_company_leaves_the_cached_directory_at_once(client, django_capture_on_commit_callbacks):
    older = CompanyFactory(name="Older Resident")
    CompanyFactory(name="Newest Resident")
    assert "Older Resident" in client.get("/residents/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # as when the deletion commits
        older.delete()  # the newest change is still the other company's: the counter moves on

    page = client.get("/residents/").content.decode()
    assert "Older Resident" not in page and "Newest Resident" in page


def test_chinese_pages_show_a_companys_chinese_name_where_there_is_one(client):
    company = CompanyFactory(name="Tigermed", name_zh="泰格医药", country="CN")
    CompanyFactory(name="Omron", country="JP")

    chinese = client.get("/zh-hans/residents/").content.decode()
    english = client.get("/residents/").content.decode()

    assert "泰格医药" in chinese and "Omron" in chinese
    assert "Tigermed" in english and "泰格医药" not in english
    assert "泰格医药" in client.get(f"/zh-hans/residents/{company.slug}/").content.decode()
