"""The pages the browser tests walk, found from the URL configuration rather than listed by hand.

An area (the public site with the application form, the residents' area /my/, the staff pages)
is walked from its URL patterns: every pattern without parameters, then, for each pattern with
parameters, the first link to it found on those pages (the seeded demo campus gives every list
something to link to). A page added later is walked the day it is added. Each step of the
application form is its own form, so its steps count as separate pages.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern

from tests.personas import RESIDENT_PASSWORD, resident_of

LANGUAGES = ["", "/zh-hans"]
AREAS = ["public", "my", "staff"]
# Where each area starts, and its navigation (the one that collapses behind a menu button on a phone).
AREA_HOME = {"public": "/", "my": "/my/", "staff": "/staff/"}
NAVIGATION = {"public": "nav.main-nav", "my": "nav.my-nav", "staff": "nav.staff-nav"}
STAFF_PASSWORD = "a-Long-pass-1"

# What each area's paths start with; the public site is what no signed-in area claims.
SIGNED_IN = ("admin/", "staff/", "my/", "advisory/")
# Files rather than pages (downloads behind a permission check), and signing out.
NOT_PAGES = ("documents/", "compliance/", "milestone-evidence/")


def _in_area(route: str, area: str) -> bool:
    if "logout" in route or route.startswith(NOT_PAGES):
        return False
    if area == "public":
        return not route.startswith(SIGNED_IN)
    return route.startswith(f"{area}/")


def _localized_routes(patterns=None, prefix: str = "", localized: bool = False):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        inside = localized or isinstance(entry.pattern, LocalePrefixPattern)
        if isinstance(entry, URLResolver):
            yield from _localized_routes(entry.url_patterns, prefix + str(entry.pattern), inside)
        elif isinstance(entry, URLPattern) and inside:
            yield prefix + str(entry.pattern)


def area_start(area: str) -> list[str]:
    """The area's paths that take no parameter (regex-only admin patterns are never in an area)."""
    routes = sorted({route for route in _localized_routes() if _in_area(route, area)})
    return ["/" + route for route in routes if "<" not in route and "^" not in route]


def _key(path: str) -> tuple | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return (match.route, match.kwargs.get("step"))


def _linked_from_elsewhere(area: str) -> list[str]:
    """Pages of an area that none of its pages links to: a campus's own page (shared as an address)
    and the reviews of an application (opened from the admin's list of reviews)."""
    from campus.models import Campus
    from tenants.models import Application

    if area == "public":
        return [reverse("campus_detail", args=[campus.slug]) for campus in Campus.objects.order_by("pk")[:1]]
    if area == "staff":
        return [
            reverse("advisory:staff_reviews", args=[pk]) for pk in Application.objects.values_list("pk", flat=True)[:1]
        ]
    return []


def _page_at(page, url: str) -> str | None:
    """The path of the page ``url`` shows (after redirects, which share the browser's cookies)."""
    response = page.request.get(url)
    if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
        return None
    final = urlsplit(response.url)
    return final.path + (f"?{final.query}" if final.query else "")


def walk(page, base_url: str, area: str) -> list[str]:
    """The area's pages, in English paths: one per URL pattern (per step of the form)."""
    pages, seen = [], set()

    def visit(url: str) -> None:
        path = _page_at(page, url)
        key = path and _key(urlsplit(path).path)
        if key and key not in seen and _in_area(key[0], area):
            seen.add(key)
            pages.append(path)

    for path in [*area_start(area), *_linked_from_elsewhere(area)]:
        visit(base_url + path)
    for path in list(pages):
        page.goto(base_url + path)
        for href in page.eval_on_selector_all("main a[href], nav a[href]", "links => links.map(a => a.href)"):
            key = _key(urlsplit(href).path)
            if href.startswith(base_url) and key is not None and key not in seen and _in_area(key[0], area):
                visit(href)
    return pages


def start_application(page, base_url: str) -> None:
    """Fill the application form's first step, so that its next steps open."""
    page.goto(f"{base_url}/apply/")
    page.get_by_label("Company name").fill("Helix Diagnostics")
    page.get_by_label("Country or region").select_option("GB")
    page.get_by_label("Website").fill("https://helix.example.com")
    page.get_by_label("Founding year").fill("2016")
    page.get_by_label("Size").select_option("11-50")
    page.get_by_role("button", name="Save and continue", exact=True).click()
    page.wait_for_url("**/apply/step/**")


def seed_demo_campus():
    """The demo campus, with a superuser and an admin of one of its residents who can sign in."""
    from tenants.models import Company

    call_command("seed_demo", "--no-admin", stdout=open(os.devnull, "w"))  # noqa: SIM115
    manager = get_user_model().objects.create_superuser(
        username="manager", email="m@example.org", password=STAFF_PASSWORD
    )
    resident = resident_of(Company.objects.order_by("pk").first(), "admin", "Ada")
    return manager, resident


def sign_in_staff(page, base_url: str, prefix: str = "") -> None:
    page.goto(f"{base_url}{prefix}/admin/login/?next={prefix}/staff/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}{prefix}/staff/")


def sign_in_resident(page, base_url: str, resident, prefix: str = "") -> None:
    page.goto(f"{base_url}{prefix}/my/login/")
    page.fill("#id_username", resident.user.email)
    page.fill("#id_password", RESIDENT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}{prefix}/my/")


def sign_in(page, base_url: str, area: str, people) -> None:
    """Sign in as the area's persona: nobody for the public site, the manager, the resident."""
    _manager, resident = people
    if area == "staff":
        sign_in_staff(page, base_url)
    elif area == "my":
        sign_in_resident(page, base_url, resident)


def walk_area(page, base_url: str, area: str, people) -> list[str]:
    """Sign in as the area's persona and walk it. The public site is walked by a visitor who has
    started an application, so that the form's steps open (its first step is the one filled in)."""
    sign_in(page, base_url, area, people)
    if area == "public":
        start_application(page, base_url)
    return walk(page, base_url, area)
