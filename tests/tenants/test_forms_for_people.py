"""The application form reads as made for people, in English and in Chinese: lists open on a prompt,
labels carry no colon, the contacts step speaks of contacts, errors are summarised with links to
their fields, and a decided application no longer reads as waiting for reviews."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tenants.choices import ApplicationStatus
from tenants.models import Application
from tenants.services.applications import application_transition, application_withdraw
from tests.tenants.helpers import company_data, contacts_data, fill_draft, profile_data

pytestmark = pytest.mark.django_db

LANGUAGES = {"": "en", "/zh-hans": "zh-hans"}
STEPS = ["company", "contacts", "profile", "needs", "documents"]


def in_language(prefix: str, message: str) -> str:
    with translation.override(LANGUAGES[prefix]):
        return gettext(message)


def labels_of(html: str) -> list[str]:
    """The visible text of every label and legend inside the page's forms but the language switcher."""
    main = html[html.index('<main id="main"') :]
    texts = re.findall(r"<(?:label|legend)\b[^>]*>(.*?)</(?:label|legend)>", main, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in texts]


def summary_of(html: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert" tabindex="-1">(.*?)</div>', html, re.S)
    assert found, "no error summary on the page"
    return found.group(1)


@pytest.fixture(params=list(LANGUAGES), ids=["en", "zh-hans"])
def prefix(request) -> str:
    return request.param


@pytest.fixture
def step_pages(client, campus, prefix) -> dict[str, str]:
    first = client.get(f"{prefix}/apply/").content.decode()
    fill_draft(client, campus, prefix=prefix)
    pages = {step: client.get(f"{prefix}/apply/step/{step}/").content.decode() for step in STEPS}
    return {"start": first, **pages}


# --- Lists and labels --------------------------------------------------------------------------


def test_no_list_on_any_step_opens_on_dashes(step_pages, prefix):
    from common.forms import PROMPT

    with translation.override(LANGUAGES[prefix]):
        prompt = str(PROMPT)
    assert prompt == ("Choose…" if not prefix else "请选择…")
    for step, html in step_pages.items():
        assert "---------" not in html, step
    for step in ["start", "company", "needs"]:
        assert "<select" in step_pages[step]
        assert f'<option value="">{prompt}</option>' in step_pages[step] or (
            f'<option value="" selected>{prompt}</option>' in step_pages[step]
        )


def test_labels_start_with_a_capital_and_end_without_a_colon(step_pages, prefix):
    for step, html in step_pages.items():
        for label in labels_of(html):
            assert label, step
            assert not label.endswith((":", "：")), (step, label)
            assert not label[0].islower(), (step, label)
    if not prefix:
        assert "Website" in labels_of(step_pages["company"])  # declared as "website"


# --- The contacts step --------------------------------------------------------------------------


def test_the_primary_contact_cannot_be_deleted_and_the_step_asks_for_one(client, campus, prefix):
    fill_draft(client, campus, prefix=prefix)
    ada = Application.objects.get().contacts.get()
    data = contacts_data(("Ada Lovelace", "ada@helix.example.com"), ("Grace Hopper", "grace@helix.example.com"))
    data.update({"contacts-INITIAL_FORMS": "1", "contacts-0-id": str(ada.pk)})
    assert client.post(f"{prefix}/apply/step/contacts/", data).status_code == 302

    html = client.get(f"{prefix}/apply/step/contacts/").content.decode()

    assert 'name="contacts-0-DELETE"' not in html
    assert 'name="contacts-1-DELETE"' in html  # a second contact may go
    assert (
        'name="contacts-2-name"' in html and 'name="contacts-2-DELETE"' not in html
    )  # a blank one has nothing to delete
    assert in_language(prefix, "Add at least one contact; the first is the primary contact.") in html
    assert in_language(prefix, "Primary contact") in html


def test_deleting_the_primary_contact_anyway_keeps_it(client, campus, prefix):
    fill_draft(client, campus, prefix=prefix)
    contact = Application.objects.get().contacts.get()
    data = contacts_data()
    data.update({"contacts-INITIAL_FORMS": "1", "contacts-0-id": str(contact.pk), "contacts-0-DELETE": "on"})

    client.post(f"{prefix}/apply/step/contacts/", data)

    assert Application.objects.get().contacts.get().pk == contact.pk


def test_no_contact_at_all_is_refused_in_words(client, campus, prefix):
    assert client.post(f"{prefix}/apply/", company_data(campus)).status_code == 302
    blank = contacts_data(("", ""))
    blank["contacts-0-role"] = ""

    response = client.post(f"{prefix}/apply/step/contacts/", blank)

    html = response.content.decode()
    assert response.status_code == 200
    summary = summary_of(html)
    assert in_language(prefix, "Add at least one contact.") in summary
    assert "Please submit at least" not in html
    hrefs = re.findall(r'href="#([^"]+)"', summary)
    assert "id_contacts-0-name" in hrefs and "id_contacts-0-email" in hrefs


# --- The error summary ----------------------------------------------------------------------------


def assert_links_lead_to_fields(html: str) -> list[str]:
    hrefs = re.findall(r'href="#([^"]+)"', summary_of(html))
    assert hrefs
    for target in hrefs:
        assert f'id="{target}"' in html, target
    assert re.search(r'<script src="/static/js/forms\.js[^"]*" defer></script>', html)
    return hrefs


def test_the_error_summary_links_each_error_to_its_field_and_keeps_the_input(client, campus, prefix):
    data = company_data(campus, country="", founded_year="3000", website="not a website", name="Helix X")

    response = client.post(f"{prefix}/apply/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert assert_links_lead_to_fields(html) == ["id_country", "id_website", "id_founded_year"]
    assert in_language(prefix, "The founding year cannot be in the future.") in summary_of(html)
    assert 'value="Helix X"' in html and 'value="not a website"' in html and 'value="3000"' in html
    assert "Blood tests for early cancer detection." in html
    assert '<option value="11-50" selected>' in html


def test_a_group_of_checkboxes_is_linked_by_its_first_box(client, campus, prefix):
    assert client.post(f"{prefix}/apply/", company_data(campus)).status_code == 302
    assert client.post(f"{prefix}/apply/step/contacts/", contacts_data()).status_code == 302

    without_areas = {**profile_data(), "business_areas": []}

    response = client.post(f"{prefix}/apply/step/profile/", without_areas)

    assert "id_business_areas_0" in assert_links_lead_to_fields(response.content.decode())


def test_the_focus_script_is_a_static_file():
    script = finders.find("js/forms.js")

    assert script and ".error-summary" in Path(script).read_text()


# --- The status after a decision ------------------------------------------------------------------


def decide(application, to, staff_user):
    if to == ApplicationStatus.WITHDRAWN:
        return application_withdraw(application=application, actor=None, reason="")
    for status in ["screening", "committee_review", to]:
        application_transition(application=application, to=status, actor=staff_user, reason="Fits the campus.")
    return application


@pytest.mark.parametrize(
    "decision", [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN]
)
def test_after_a_decision_nothing_says_reviews_are_still_needed(client, campus, staff_user, settings, prefix, decision):
    settings.APPLICATION_MIN_REVIEWS = 0
    fill_draft(client, campus, prefix=prefix)
    client.post(f"{prefix}/apply/review/")
    staff = Client()
    staff.force_login(staff_user)
    application = Application.objects.get()
    waiting = in_language(
        prefix, "Your application is being reviewed. We will e-mail you when a decision has been made."
    )
    with translation.override(LANGUAGES[prefix]):
        transition_url = reverse("admin:tenants_application_transition", args=[application.pk])
        still_needed = ngettext(
            "A decision still needs %(counter)s completed advisory review.",
            "A decision still needs %(counter)s completed advisory reviews.",
            2,
        ) % {"counter": 2}
    assert waiting in client.get(f"{prefix}/apply/status/").content.decode()
    settings.APPLICATION_MIN_REVIEWS = 2
    assert still_needed in staff.get(transition_url).content.decode()
    settings.APPLICATION_MIN_REVIEWS = 0

    decide(application, decision, staff_user)
    settings.APPLICATION_MIN_REVIEWS = 2

    status_page = client.get(f"{prefix}/apply/status/").content.decode()
    assert waiting not in status_page
    with translation.override(LANGUAGES[prefix]):
        assert str(ApplicationStatus(decision).label) in status_page
    assert still_needed not in staff.get(transition_url).content.decode()
