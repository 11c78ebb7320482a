"""The staff pages have their own frame: staff navigation, sign-out, the admin's look; public pages keep theirs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import group_name
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PREFIXES = ["", "/zh-hans"]


class Header(HTMLParser):
    """The links, forms and navigation landmarks of a page's <header>, and its stylesheets."""

    def __init__(self, html: str):
        super().__init__()
        self.depth = 0
        self.links: list[dict] = []
        self.forms: list[dict] = []
        self.navs: list[str] = []
        self.stylesheets: list[str] = []
        self._link: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if tag == "header":
            self.depth += 1
        if not self.depth:
            return
        if tag == "a":
            self._link = {"href": attrs.get("href"), "current": attrs.get("aria-current"), "text": ""}
            self.links.append(self._link)
        elif tag == "form":
            self.forms.append({"action": attrs.get("action"), "method": attrs.get("method"), "token": None})
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and self.forms:
            self.forms[-1]["token"] = attrs.get("value")
        elif tag == "nav":
            self.navs.append(attrs.get("aria-label", ""))

    def handle_endtag(self, tag):
        if tag == "header":
            self.depth -= 1
        elif tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data.strip()

    def hrefs(self) -> set[str]:
        return {link["href"] for link in self.links}

    def current(self) -> dict[str, str]:
        return {link["href"]: link["current"] for link in self.links if link["current"]}


def _header(response) -> Header:
    assert response.status_code == 200, response.status_code
    return Header(response.content.decode())


@pytest.fixture
def as_role(client, django_user_model):
    def sign_in(role: str):
        user = django_user_model.objects.create_user(
            username=role, first_name="Mei", last_name="Lin", password="x", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name(role)))
        client.force_login(user)
        return client

    return sign_in


def _staff_pages(prefix: str) -> dict[str, str]:
    application = ApplicationFactory()
    return {
        "today": f"{prefix}/staff/",
        "dashboard": f"{prefix}/staff/dashboard/",
        "onboarding": f"{prefix}/staff/onboarding/",
        "reviews": f"{prefix}/staff/reviews/{application.pk}/",
        "two_factor": f"{prefix}/staff/two-factor/",
    }


@pytest.mark.parametrize("prefix", PREFIXES)
def test_staff_pages_show_the_staff_navigation_and_not_the_public_one(as_role, prefix):
    client = as_role("campus_manager")
    pages = _staff_pages(prefix)
    expected_current = {
        "today": {f"{prefix}/staff/": "page"},
        "dashboard": {f"{prefix}/staff/dashboard/": "page"},
        "onboarding": {f"{prefix}/staff/onboarding/": "page"},
        "reviews": {f"{prefix}/admin/advisory/review/": "true"},
        "two_factor": {f"{prefix}/staff/two-factor/": "page"},
    }

    for name, path in pages.items():
        response = client.get(path)
        header = _header(response)

        assert len(header.navs) == 1, (path, header.navs)  # the staff navigation, no public one
        assert {
            f"{prefix}/staff/",
            f"{prefix}/staff/dashboard/",
            f"{prefix}/staff/onboarding/",
            f"{prefix}/admin/advisory/review/",
            f"{prefix}/admin/",
            f"{prefix}/staff/two-factor/",
        } <= header.hrefs(), path
        assert f"{prefix}/apply/" not in header.hrefs(), path
        assert f"{prefix}/residents/" not in header.hrefs(), path
        assert header.current() == expected_current[name], path
        assert f"{prefix}/admin/logout/" in {form["action"] for form in header.forms if form["method"] == "post"}
        assert any(sheet.endswith("css/staff.css") for sheet in header.stylesheets), path
        html = response.content.decode()
        assert "Mei Lin" in html  # who is signed in
        assert "Staff sign-in" not in html and "员工登录" not in html, path


def test_the_staff_navigation_shows_only_what_the_role_may_open(as_role):
    client = as_role("space_manager")
    space_manager = _header(client.get("/staff/"))

    assert "/staff/onboarding/" not in space_manager.hrefs()
    assert "/admin/advisory/review/" not in space_manager.hrefs()
    assert {"/staff/", "/staff/dashboard/", "/admin/"} <= space_manager.hrefs()
    # The links it leaves out are pages this role is refused.
    assert client.get("/staff/onboarding/").status_code == 403


def test_a_screening_officer_sees_the_onboarding_board_and_reviews(as_role):
    header = _header(as_role("screening_officer").get("/staff/"))

    assert {"/staff/onboarding/", "/admin/advisory/review/"} <= header.hrefs()


@pytest.mark.parametrize("prefix", PREFIXES)
def test_signing_out_from_a_staff_page(django_user_model, prefix):
    user = django_user_model.objects.create_superuser(username="boss", email="boss@example.org", password="x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    header = _header(client.get(f"{prefix}/staff/onboarding/"))
    sign_out = next(form for form in header.forms if form["action"].endswith("/admin/logout/"))

    response = client.post(sign_out["action"], {"csrfmiddlewaretoken": sign_out["token"]})

    assert response.status_code == 200
    language = "zh-hans" if prefix else "en"
    assert re.search(rf'<html lang="{language}"', response.content.decode(), re.IGNORECASE)
    after = client.get(f"{prefix}/staff/")
    assert after.status_code == 302 and after["Location"].startswith(f"{prefix}/admin/login/")


def test_a_session_owing_its_second_factor_gets_no_staff_links(client, staff_user):
    TOTPDevice.objects.create(user=staff_user, name="phone", confirmed=True)
    client.force_login(staff_user)

    header = _header(client.get("/staff/two-factor/"))

    assert header.navs == []
    assert header.hrefs() <= {"/", "/staff/two-factor/"}  # the public site and this page only
    assert "/admin/logout/" in {form["action"] for form in header.forms}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_staff_pages_run_no_inline_script_or_style(staff_client, prefix):
    for path in _staff_pages(prefix).values():
        html = staff_client.get(path).content.decode()

        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=", html), path
        assert not re.search(r"<(?!svg|path|rect)[a-z]+\b[^>]*\sstyle=", html), path


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("path", ["/", "/residents/", "/partners/", "/committee/", "/apply/"])
def test_public_pages_keep_the_public_navigation_for_staff_too(staff_client, prefix, path):
    header = _header(staff_client.get(f"{prefix}{path}"))

    assert len(header.navs) == 1
    assert {f"{prefix}/", f"{prefix}/apply/", f"{prefix}/admin/"} <= header.hrefs()
    assert f"{prefix}/staff/" not in header.hrefs()
    assert not any(sheet.endswith("css/staff.css") for sheet in header.stylesheets)
    assert not header.forms[0]["action"].endswith("/admin/logout/")
