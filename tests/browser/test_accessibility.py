"""Public, /my/ and staff pages have no serious or critical accessibility violations (axe-core), in both
languages. The pages are those of the walk in tests/browser/pages.py, which follows the URL patterns."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.pages import (
    AREA_HOME,
    AREAS,
    LANGUAGES,
    NAVIGATION,
    seed_demo_campus,
    sign_in,
    walk_area,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"

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


def _serious_violations(page, url: str, axe_script: str, within: str | None = None) -> list[str]:
    """What axe-core finds on the page at ``url`` (opened here unless ``within`` names the part,
    already on screen, to check)."""
    if within is None:
        page.goto(url)
    page.add_script_tag(path=axe_script)
    context = json.dumps({"include": [within]}) if within else "document"
    results = page.evaluate(f"async () => await axe.run({context}, {{resultTypes: ['violations']}})")
    assert results["testEngine"]["name"] == "axe-core" and results["url"] == page.url == url
    return [
        f"{url}: {violation['id']} ({violation['impact']}) {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("area", AREAS)
def test_pages_have_no_serious_violations_in_both_languages(page, live_server, axe_script, area):
    """Public (with the application form), /my/ and staff pages: every page of the walk."""
    people = seed_demo_campus()
    pages = walk_area(page, live_server.url, area, people)
    assert AREA_HOME[area] in pages and len(pages) > 5, pages  # signed in: the area itself was walked
    problems = []
    for prefix in LANGUAGES:
        for path in pages:
            problems += _serious_violations(page, f"{live_server.url}{prefix}{path}", axe_script)
    assert problems == []


@pytest.mark.parametrize("area", AREAS)
def test_an_open_menu_on_a_phone_has_no_serious_violations(page, live_server, axe_script, area, people):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, area, people)
    problems = []
    for prefix in LANGUAGES:
        url = f"{live_server.url}{prefix}{AREA_HOME[area]}"
        page.goto(url)
        page.locator(f"{NAVIGATION[area]} summary").click()
        problems += _serious_violations(page, url, axe_script, within=NAVIGATION[area])
    assert problems == []


def test_the_check_finds_a_violation_when_there_is_one(page, live_server, axe_script):
    page.goto(f"{live_server.url}/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x.png>')")
    page.add_script_tag(path=axe_script)

    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")

    assert "image-alt" in {violation["id"] for violation in results["violations"]}
