"""The dashboard's finance sections in a real browser: on a phone nothing scrolls sideways but the
tables' own regions, and every chart label and value stays inside its chart."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.campus.factories import SpaceFactory
from tests.portal.finance_setup import lease_of, the_example
from tests.tenants.factories import CompanyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-pass-1"
QUERY = "start=2026-01-01&end=2026-03-06&month=2026-03"


@pytest.fixture
def finance_page(page, live_server, campus, django_user_model):
    manager = django_user_model.objects.create_superuser(username="manager", email="m@example.org", password=PASSWORD)
    helix, nordic = CompanyFactory(campus=campus, name="Helix Therapeutics"), CompanyFactory(campus=campus)
    the_example(campus, helix, nordic, manager)
    long_name = CompanyFactory(campus=campus, name="Shanghai Precision Diagnostics and Medical Devices Co., Ltd.")
    lease_of(long_name, SpaceFactory(building__campus=campus, area_m2=Decimal("480")))
    page.goto(f"{live_server.url}/admin/login/?next=/staff/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    page.finance_url = f"{live_server.url}/staff/dashboard/?campus={campus.pk}&{QUERY}"
    return page


@pytest.mark.parametrize("width", [1100, 390])
def test_finance_charts_keep_their_labels_inside_and_the_page_fits(finance_page, width):
    finance_page.set_viewport_size({"width": width, "height": 900})
    finance_page.goto(finance_page.finance_url)
    assert finance_page.locator("#rent_roll-heading").inner_text() == "Rent roll, March 2026"

    assert finance_page.evaluate("document.documentElement.scrollWidth") <= width
    for key in ["rent_roll", "arrears", "revenue_by_building", "revenue_by_kind", "paying_occupancy"]:
        assert finance_page.locator(f"#{key} svg.labelled-bars").count() == 1
    outside = finance_page.evaluate(
        """() => [...document.querySelectorAll('svg.labelled-bars')].flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')]
                .filter(text => text.getBoundingClientRect().right > box.right + 1)
                .map(text => text.textContent);
        })"""
    )
    assert outside == []
