"""A company's business and focus areas, as the residents directory shows them, follow every change."""

from __future__ import annotations

import re

import pytest

from campus.models import BusinessArea
from tenants.models import Company, FocusArea
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def tags(client, company) -> list[str]:
    """The area labels of the company's entry on the directory (cached pages included)."""
    page = client.get("/residents/").content.decode()
    entry = page[page.index(company.name) :]
    listing = entry[: entry.index("</ul>")]
    return re.findall(r"<li[^>]*>([^<]+)</li>", listing)


def area(code: str) -> BusinessArea:
    return BusinessArea.objects.get(code=code)


def test_a_company_loaded_before_its_areas_changed_does_not_write_the_old_codes_back(client):
    company = CompanyFactory(name="Sanomics")
    loaded_before = Company.objects.get(pk=company.pk)
    company.business_areas.add(area("diagnosis"))
    assert tags(client, company) == ["Diagnosis"]

    loaded_before.website = "https://sanomics.example.com"
    loaded_before.save()

    assert tags(client, company) == ["Diagnosis"]
    assert company.history.first().business_area_codes == ["diagnosis"]


def test_a_deleted_business_area_leaves_the_companies_that_had_it(client):
    company = CompanyFactory(name="Sanomics")
    company.business_areas.set([area("pharmacy"), area("diagnosis")])
    assert tags(client, company) == ["Pharmacy", "Diagnosis"]

    area("pharmacy").delete()

    assert tags(client, company) == ["Diagnosis"]


def test_a_deleted_focus_area_leaves_the_companies_that_had_it(client):
    company = CompanyFactory(name="Sanomics")
    focus = FocusArea.objects.order_by("position").first()
    company.focus_areas.set([focus])
    assert tags(client, company) == [str(focus)]

    FocusArea.objects.filter(pk=focus.pk).delete()

    assert tags(client, company) == []


def test_a_business_area_moved_in_the_order_reorders_the_directory_entry(client):
    company = CompanyFactory(name="Sanomics")
    company.business_areas.set([area("pharmacy"), area("diagnosis")])
    assert tags(client, company) == ["Pharmacy", "Diagnosis"]

    BusinessArea.objects.update_or_create(code="pharmacy", defaults={"position": 9})

    assert tags(client, company) == ["Diagnosis", "Pharmacy"]
