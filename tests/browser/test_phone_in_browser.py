"""Every page fits a 390-px phone in both languages, and the navigations collapse behind a menu button.

The pages are those of the walk (tests/browser/pages.py): the public site with the application
form, the residents' area and the staff pages of the seeded demo campus.
"""

from __future__ import annotations

import pytest

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

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The elements sticking out of the page, outermost first, for the failure message.
TOO_WIDE = """() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 3)
  .map(el => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`)"""

# Boxes that scroll sideways but cannot be reached by keyboard or have no name (axe-core's
# scrollable-region-focusable): each should be focusable, a region, and named.
UNREACHABLE_SCROLLERS = """() => [...document.querySelectorAll(".table-scroll")]
  .filter(box => box.scrollWidth > box.clientWidth)
  .filter(box => box.tabIndex !== 0 || box.getAttribute("role") !== "region"
                 || !(box.getAttribute("aria-label") || box.getAttribute("aria-labelledby")))
  .map(box => box.querySelector("th") ? box.querySelector("th").textContent.trim() : box.className)"""


@pytest.fixture
def demo_people():
    return seed_demo_campus()


def test_every_page_fits_a_phone_in_both_languages(page, live_server, demo_people):
    too_wide, unreachable, walked = [], [], 0
    for area in AREAS:
        context = page.context.browser.new_context(viewport=PHONE)
        phone = context.new_page()
        pages = walk_area(phone, live_server.url, area, demo_people)
        assert AREA_HOME[area] in pages and len(pages) > 5, pages  # signed in: the area itself was walked
        for prefix in LANGUAGES:
            for path in pages:
                phone.goto(f"{live_server.url}{prefix}{path}")
                width = phone.evaluate("document.documentElement.scrollWidth")
                if width > phone.evaluate("window.innerWidth"):
                    too_wide.append(f"{prefix}{path}: {width}px {phone.evaluate(TOO_WIDE)}")
                if boxes := phone.evaluate(UNREACHABLE_SCROLLERS):
                    unreachable.append(f"{prefix}{path}: {boxes}")
                walked += 1
        context.close()
    assert too_wide == []
    assert unreachable == []
    assert walked > 100


def _menu(page, area: str):
    navigation = page.locator(NAVIGATION[area])
    return navigation.locator("summary"), navigation.locator("li a").first


@pytest.mark.parametrize("area", AREAS)
def test_the_menu_button_opens_and_closes_the_navigation(page, live_server, people, area):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, area, people)
    for prefix in LANGUAGES:
        page.goto(f"{live_server.url}{prefix}{AREA_HOME[area]}")
        button, link = _menu(page, area)
        assert button.is_visible() and not link.is_visible()

        button.click()
        assert link.is_visible()
        button.click()
        assert not link.is_visible()

        # By keyboard: Enter opens, Tab reaches the links, Escape closes and returns to the button.
        button.focus()
        page.keyboard.press("Enter")
        assert link.is_visible()
        page.keyboard.press("Tab")
        assert link.evaluate("el => el === document.activeElement")
        page.keyboard.press("Escape")
        assert not link.is_visible()
        assert button.evaluate("el => el === document.activeElement")


@pytest.mark.parametrize("area", AREAS)
def test_the_menu_works_without_javascript(page, live_server, people, area):
    context = page.context.browser.new_context(viewport=PHONE, java_script_enabled=False)
    no_script = context.new_page()
    sign_in(no_script, live_server.url, area, people)
    no_script.goto(f"{live_server.url}{AREA_HOME[area]}")
    button, link = _menu(no_script, area)

    button.click()
    assert link.is_visible()
    button.click()
    assert not link.is_visible()
    context.close()


@pytest.mark.parametrize("area", AREAS)
def test_wide_screens_show_the_navigation_without_a_menu_button(page, live_server, people, area):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, area, people)
    page.goto(f"{live_server.url}{AREA_HOME[area]}")
    button, link = _menu(page, area)

    assert link.is_visible() and not button.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
