"""The admin's sidebar and index, made once per set of permissions and language: what staff may
open shows at once when their permissions change, in their language, with their page marked."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db

APPLICATIONS = "/admin/tenants/application/"
COMPANIES = "/admin/tenants/company/"


def _sidebar(page) -> str:
    text = page.content.decode()
    return text[text.index('id="nav-sidebar"') : text.index("</nav>", text.index('id="nav-sidebar"'))]


def _highlighted(page) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', _sidebar(page))


@pytest.fixture
def officer(client, django_user_model):
    """A staff member who may only look at applications."""
    user = django_user_model.objects.create_user(username="officer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_application"))
    client.force_login(user)
    return user


def _grant(user, codename: str) -> None:
    user.user_permissions.add(Permission.objects.get(codename=codename))


def test_a_permission_given_shows_its_model_in_the_sidebar_on_the_next_page(client, officer):
    before = client.get(APPLICATIONS)
    _grant(officer, "view_company")
    after = client.get(APPLICATIONS)
    officer.user_permissions.remove(Permission.objects.get(codename="view_company"))
    revoked = client.get(APPLICATIONS)

    assert f'href="{APPLICATIONS}"' in _sidebar(before) and f'href="{COMPANIES}"' not in _sidebar(before)
    assert f'href="{COMPANIES}"' in _sidebar(after)
    assert f'href="{COMPANIES}"' not in _sidebar(revoked)


def test_the_index_lists_what_a_permission_given_opens_at_once(client, officer):
    client.get("/admin/")
    _grant(officer, "view_company")

    page = client.get("/admin/")

    models = [model["admin_url"] for section in page.context["app_list"] for model in section["models"]]
    assert models == [APPLICATIONS, COMPANIES]


def test_the_sidebar_marks_the_model_of_each_page(staff_client):
    applications = staff_client.get(APPLICATIONS)
    companies = staff_client.get(COMPANIES)
    company_added = staff_client.get(f"{COMPANIES}add/")

    assert _highlighted(applications) == [APPLICATIONS]
    assert _highlighted(companies) == _highlighted(company_added) == [COMPANIES]


def test_the_sidebar_is_in_the_language_of_each_page(staff_client):
    english = staff_client.get(APPLICATIONS)
    chinese = staff_client.get(f"/zh-hans{APPLICATIONS}")
    english_again = staff_client.get(APPLICATIONS)

    assert "Applications &amp; onboarding" in _sidebar(english)
    assert "Applications &amp; onboarding" not in _sidebar(chinese)
    assert f'href="/zh-hans{APPLICATIONS}"' in _sidebar(chinese)
    assert _sidebar(english_again) == _sidebar(english)


def test_a_page_changing_its_section_list_does_not_change_the_next_page(rf, staff_user):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = staff_user
    admin.site.get_app_list(request)[0]["models"].clear()

    assert admin.site.get_app_list(request)[0]["models"]
