"""The whole application, as an applicant does it, in a real browser (Debian's Chromium)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.core import mail

from tenants.choices import ApplicationStatus
from tenants.models import Application
from tests.campus.factories import CampusFactory
from tests.tenants.helpers import PDF, link_from

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applicant_applies_uploads_submits_follows_and_withdraws(page, live_server, tmp_path):
    CampusFactory(name="Wuxi International Life Science Innovation Campus")
    deck = tmp_path / "deck.pdf"
    deck.write_bytes(PDF)
    start = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    page.goto(f"{live_server.url}/apply/")
    page.get_by_label("Company name").fill("Helix Diagnostics")
    page.get_by_label("Country or region").select_option("GB")
    page.get_by_label("Website").fill("https://helix.example.com")
    page.get_by_label("Founding year").fill("2016")
    page.get_by_label("Size").select_option("11-50")
    page.get_by_role("button", name="Save and continue", exact=True).click()

    page.get_by_label("Name").first.fill("Ada Lovelace")
    page.get_by_label("E-mail").first.fill("ada@helix.example.com")
    page.get_by_role("button", name="Save and continue", exact=True).click()

    page.get_by_label("Diagnosis").first.check()
    page.get_by_label("Early cancer diagnosis").check()
    page.get_by_role("button", name="Save and continue", exact=True).click()

    page.get_by_label("Platform stage wanted").select_option("incubation")
    page.get_by_label("Kind of space").select_option("laboratory")
    page.get_by_label("Area needed (m²)").fill("120")
    page.get_by_label("Needed from").fill(start)
    page.get_by_label("Biosafety level").select_option("bsl2")
    page.get_by_role("button", name="Save and continue", exact=True).click()

    page.get_by_label("Pitch deck").set_input_files(str(deck))
    page.get_by_label("Business licence or registration").set_input_files(str(deck))
    page.get_by_role("button", name="Save and continue", exact=True).click()

    assert "deck.pdf" in page.content()
    page.screenshot(path=str(Path("var") / "browser-review.png"), full_page=True)
    page.get_by_role("button", name="Submit application").click()
    assert page.url.endswith("/apply/status/")
    assert "Submitted" in page.content()
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED

    status_link = link_from([m for m in mail.outbox if "ada@helix.example.com" in m.to][-1])
    fresh = page.context.browser.new_page()
    fresh.goto(live_server.url + urlparse(status_link).path)
    fresh.get_by_role("button", name="See the application's status").click()
    assert fresh.url == f"{live_server.url}/apply/status/"
    fresh.get_by_role("link", name="Withdraw the application").click()
    fresh.get_by_label("Why are you withdrawing? (optional)").fill("We chose another city.")
    fresh.get_by_role("button", name="Yes, withdraw").click()

    assert "Your application has been withdrawn." in fresh.content()
    assert Application.objects.get().status == ApplicationStatus.WITHDRAWN


def test_an_invalid_step_focuses_its_error_summary_whose_links_lead_to_the_fields(page, live_server):
    CampusFactory(name="Wuxi International Life Science Innovation Campus")

    page.goto(f"{live_server.url}/apply/")
    page.get_by_label("Company name").fill("Helix Diagnostics")
    page.get_by_label("Founding year").fill("3000")
    page.get_by_role("button", name="Save and continue", exact=True).click()

    summary = page.locator(".error-summary")
    assert summary.evaluate("element => element === document.activeElement")
    assert page.get_by_label("Company name").input_value() == "Helix Diagnostics"
    summary.get_by_role("link", name="Founding year").click()
    assert page.evaluate("document.activeElement.id") == "id_founded_year"
    summary.get_by_role("link", name="Country or region").click()
    assert page.evaluate("document.activeElement.id") == "id_country"
