"""Public pages have no serious or critical accessibility violations (axe-core), in both languages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

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


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_public_pages_have_no_serious_violations(page, live_server, axe_script, prefix):
    call_command("seed_demo", "--no-admin", stdout=open(os.devnull, "w"))  # noqa: SIM115
    problems = []
    for path in PAGES:
        page.goto(f"{live_server.url}{prefix}{path}")
        page.add_script_tag(path=axe_script)
        results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert results["testEngine"]["name"] == "axe-core" and results["url"].endswith(f"{prefix}{path}")
        for violation in results["violations"]:
            if violation["impact"] in {"serious", "critical"}:
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{prefix}{path}: {violation['id']} ({violation['impact']}) {targets}")
    assert problems == []


def test_the_check_finds_a_violation_when_there_is_one(page, live_server, axe_script):
    page.goto(f"{live_server.url}/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x.png>')")
    page.add_script_tag(path=axe_script)

    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")

    assert "image-alt" in {violation["id"] for violation in results["violations"]}
