"""Every form on the pages an e-mailed link opens works in a real browser (Debian's Chromium).

A browser posts a form from a page served with ``Referrer-Policy: no-referrer`` with
``Origin: null``, which Django's CSRF check refuses; only the response at the link's own URL (the
one that holds the token) may carry that policy.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.core import mail

from tenants.links import access_link_issue
from tests.tenants.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def link(live_server):
    application = ApplicationFactory(status="draft")
    application.contacts.update(email="ada@helix.example.com")
    token = access_link_issue(application=application, email="ada@helix.example.com")
    return f"{live_server.url}/apply/resume/{token}/"


def test_the_link_page_switches_language_and_then_continues(page, link, live_server):
    response = page.goto(link)
    assert response.status == 200
    assert "/resume/" not in urlparse(page.url).path  # the page with forms is not at the token's URL

    page.get_by_role("button", name="中文").click()
    assert page.get_by_role("button", name="继续填写申请").is_visible()

    page.get_by_role("button", name="继续填写申请").click()
    assert urlparse(page.url).path.endswith("/apply/review/")


def test_a_used_link_page_sends_a_new_link(page, link, live_server):
    first = page.context.browser.new_page()
    first.goto(link)
    first.get_by_role("button", name="Continue the application").click()
    first.close()

    page.goto(link)
    assert "This link does not work any more" in page.content()
    page.get_by_label("E-mail").fill("ada@helix.example.com")
    page.get_by_role("button", name="Send me a link").click()

    assert "Check your e-mail" in page.content()
    assert any("ada@helix.example.com" in message.to for message in mail.outbox)


def test_the_language_switch_works_on_a_used_link_page(page, link):
    page.goto(link)
    page.get_by_role("button", name="Continue the application").click()
    page.goto(link)

    page.get_by_role("button", name="中文").click()

    assert "此链接已失效" in page.content()
