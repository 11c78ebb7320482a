"""Every URL refuses TRACE, and every page but the public ones tells search engines not to index it.

The URLs come from the URL configuration itself (in both languages), so a page added later is
covered without listing it here.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern

pytestmark = pytest.mark.django_db

# What a visitor may find through a search engine; everything else must say noindex.
PUBLIC_PAGES = ["/", "/campuses/x/", "/residents/", "/residents/x/", "/committee/", "/partners/", "/apply/"]
PUBLIC = {*PUBLIC_PAGES, *(f"/zh-hans{page}" for page in PUBLIC_PAGES), "/robots.txt", "/api/docs/", "/api/schema/"}


def _route(pattern) -> str | None:
    """A concrete path for one pattern: converters filled with a sample value; None when the regex
    can't be filled in simply (only DRF's format-suffix variants)."""
    if isinstance(pattern, LocalePrefixPattern):
        return ""
    if isinstance(pattern, RegexPattern):
        text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", pattern._regex).lstrip("^").rstrip("$").removesuffix(r"\Z")
        return None if re.search(r"[\\()\[\]?*+|]", text) else text
    return re.sub(r"<(?:int:)\w+>", "1", re.sub(r"<(?:(?:str|slug|path|uuid):)?\w+>", "x", str(pattern)))


def _paths(patterns, prefix: str = "", localized: bool = False):
    for entry in patterns:
        route = _route(entry.pattern)
        if route is None:
            continue
        if isinstance(entry, URLResolver):
            yield from _paths(
                entry.url_patterns, prefix + route, localized or isinstance(entry.pattern, LocalePrefixPattern)
            )
        else:
            yield "/" + prefix + route
            if localized:
                yield "/zh-hans/" + prefix + route


ALL_PATHS = sorted(set(_paths(get_resolver().url_patterns)))


def test_the_walk_finds_the_areas_that_matter():
    for path in [
        "/admin/",
        "/zh-hans/admin/login/",
        "/staff/",
        "/advisory/login/",
        "/apply/resume/x/",
        "/api/v1/referrals/",
    ]:
        assert path in ALL_PATHS
    assert len(ALL_PATHS) > 150


def test_trace_is_refused_on_every_url(staff_client):
    for path in ALL_PATHS:
        response = Client().generic("TRACE", path)
        assert response.status_code == 405, path
        assert "TRACE" not in response["Allow"]
    assert staff_client.generic("TRACE", "/admin/").status_code == 405


def test_only_public_pages_may_be_indexed(client):
    client.raise_request_exception = False
    for path in ALL_PATHS:
        response = client.get(path)
        if path in PUBLIC:
            assert "X-Robots-Tag" not in response, path
        else:
            assert response.get("X-Robots-Tag") == "noindex, nofollow", path


@pytest.mark.parametrize(
    "path",
    [
        *["/admin/", "/zh-hans/admin/", "/staff/", "/advisory/", "/apply/resume/x/", "/zh-hans/apply/status/x/"],
        *["/admin/login/", "/zh-hans/advisory/login/", "/advisory/password-reset/", "/apply/link/", "/oidc/callback/"],
        "/staff/two-factor/",
    ],
)
def test_signed_in_areas_and_sign_in_pages_say_noindex(staff_client, path):
    assert Client().get(path)["X-Robots-Tag"] == "noindex, nofollow"  # anonymous: the page or a redirect
    assert staff_client.get(path)["X-Robots-Tag"] == "noindex, nofollow"


def test_robots_txt_keeps_crawlers_out_of_the_signed_in_areas(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for area in ["/admin/", "/staff/", "/advisory/", "/zh-hans/admin/", "/zh-hans/staff/", "/api/v1/"]:
        assert f"Disallow: {area}" in lines
    assert "Disallow: /" not in lines  # the public pages stay open
