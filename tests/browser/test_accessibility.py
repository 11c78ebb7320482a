"""Public and staff pages have no serious or critical accessibility violations (axe-core), in both languages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from campus.models import Building
from tenants.models import Application

SPACE_VIEWS = ["timeline", "vacancies", "floors"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["/", "/residents/", "/partners/", "/committee/", "/apply/", "/apply/link/"]

# axe-core is injected by the test as an inline script; the site's CSP would rightly refuse it.
BYPASS_CSP = True


@pytest.fixture
def axe_script():
    if not AXE.exists():
        message = f"needs axe-core at {AXE} (make install-dev installs it with npm)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return str(AXE)


def _serious_violations(page, url: str, axe_script: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(path=axe_script)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert results["testEngine"]["name"] == "axe-core" and results["url"] == page.url == url
    return [
        f"{url}: {violation['id']} ({violation['impact']}) {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_public_pages_have_no_serious_violations(page, live_server, axe_script, prefix):
    call_command("seed_demo", "--no-admin", stdout=open(os.devnull, "w"))  # noqa: SIM115
    problems = []
    for path in PAGES:
        problems += _serious_violations(page, f"{live_server.url}{prefix}{path}", axe_script)
    assert problems == []


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_staff_pages_have_no_serious_violations(page, live_server, axe_script, prefix, django_user_model):
    call_command("seed_demo", "--no-admin", stdout=open(os.devnull, "w"))  # noqa: SIM115
    django_user_model.objects.create_superuser(username="manager", email="m@example.org", password="a-Long-pass-1")
    application = Application.objects.order_by("pk").first()
    page.goto(f"{live_server.url}{prefix}/admin/login/?next={prefix}/staff/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", "a-Long-pass-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{prefix}/staff/")
    problems = []
    staff_pages = [
        "/staff/",
        "/staff/dashboard/",
        "/staff/onboarding/",
        f"/staff/reviews/{application.pk}/",
        "/staff/two-factor/",
    ]
    building = Building.objects.order_by("pk").first()
    staff_pages += ["/staff/space/", *(f"/staff/space/buildings/{building.pk}/{view}/" for view in SPACE_VIEWS)]
    residents_pages = ["/staff/stages/", "/staff/stages/reports/", "/staff/requests/", "/staff/frontdesk/"]
    finance_pages = ["/staff/finance/payments/", "/staff/finance/payments/new/", "/staff/finance/import/"]
    for path in [*staff_pages, *residents_pages, *finance_pages]:
        problems += _serious_violations(page, f"{live_server.url}{prefix}{path}", axe_script)
        assert page.locator("nav.staff-nav").count() == 1  # signed in: the staff frame was checked
    assert problems == []


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_residents_pages_have_no_serious_violations(page, live_server, axe_script, prefix, resident_admin):
    from tests.personas import RESIDENT_PASSWORD

    page.goto(f"{live_server.url}{prefix}/my/login/")
    page.fill("#id_username", resident_admin.user.email)
    page.fill("#id_password", RESIDENT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{prefix}/my/")
    problems = []
    for path in ["/my/", "/my/team/", "/my/profile/", "/my/stages/", "/my/requests/", "/my/requests/new/",
                 "/my/announcements/", "/my/visitors/", "/my/deliveries/", "/my/consultations/", "/my/outcomes/",
                 "/my/account/"]:  # fmt: skip
        problems += _serious_violations(page, f"{live_server.url}{prefix}{path}", axe_script)
        assert page.locator("nav.my-nav").count() == 1  # signed in: the residents' area was checked
    assert problems == []


def test_the_check_finds_a_violation_when_there_is_one(page, live_server, axe_script):
    page.goto(f"{live_server.url}/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x.png>')")
    page.add_script_tag(path=axe_script)

    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")

    assert "image-alt" in {violation["id"] for violation in results["violations"]}
