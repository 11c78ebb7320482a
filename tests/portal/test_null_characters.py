"""A NUL character anywhere a visitor can put one is a 400 naming where it is, never a server error.

The routes are read from the URL configuration itself, so a new page is covered when it is added.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

NAMED_GROUP = re.compile(r"\(\?P<(\w+)>")
REGEX_SYNTAX = re.compile(r"[()\[\]*+?|{}]")


def _substitute_groups(regex: str, value: str) -> tuple[str, list[str]]:
    """Replace every named group of ``regex`` with ``value``; return the text and the names."""
    names = []
    while match := NAMED_GROUP.search(regex):
        depth, end = 0, match.start()
        for end in range(match.start(), len(regex)):  # the group ends at the balancing ")"
            if regex[end] == "(" and regex[end - 1 : end] != "\\":
                depth += 1
            elif regex[end] == ")" and regex[end - 1 : end] != "\\":
                depth -= 1
                if depth == 0:
                    break
        names.append(match.group(1))
        regex = regex[: match.start()] + value + regex[end + 1 :]
    return regex, names


def site_paths(value: str) -> list[tuple[str, list[str]]]:
    """Every route of the site as a path, with ``value`` in each of its parameters."""
    paths = []

    def walk(patterns, prefix):
        for entry in patterns:
            regex = entry.pattern.regex.pattern.removeprefix("^").removesuffix("\\Z").removesuffix("$")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + regex)
            elif isinstance(entry, URLPattern):
                text, names = _substitute_groups(prefix + regex, value)
                text = text.replace("^", "").replace("\\.", ".").replace("\\-", "-")
                if not REGEX_SYNTAX.search(text):
                    paths.append(("/" + text, names))

    walk(get_resolver().url_patterns, "")
    return paths


def _named(response) -> str:
    if response["Content-Type"] == "application/json":
        (name,) = response.json()["error"]["fields"]
        return name
    return re.search(r"<p>([^:]+):", response.content.decode()).group(1)


@pytest.fixture
def staff(staff_client, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = False
    staff_client.raise_request_exception = False
    return staff_client


def test_nul_in_any_path_parameter_is_400_naming_it(staff):
    anonymous = Client(raise_request_exception=False)
    routes = [path for path, names in site_paths("1\x00") if names]
    assert len(routes) >= 40, "the walk found too few routes with parameters"

    for path in routes:
        for client in (anonymous, staff):
            response = client.get(path)
            assert response.status_code == 400, (path, response.status_code)
            assert "Null characters are not allowed." in response.content.decode()
            # Named after the parameter of the route that answers the path (the admin's catch-all
            # "url" answers for some), never only "path".
            assert _named(response) != "path", path


def test_nul_in_any_query_parameter_is_400_naming_it(staff):
    anonymous = Client(raise_request_exception=False)
    routes = [path for path, names in site_paths("1") if not names]
    assert len(routes) >= 40

    for path in routes:
        for client in (anonymous, staff):
            response = client.get(path, {"slug": "a\x00b"})
            assert response.status_code == 400, (path, response.status_code)
            assert "slug: Null characters are not allowed." in response.content.decode() or (
                response.json()["error"]["fields"] == {"slug": ["Null characters are not allowed."]}
            ), path


def test_nul_in_a_query_parameter_name_is_400(client):
    response = client.get("/?a%00b=1")

    assert response.status_code == 400
    assert "a\\u0000b: Null characters are not allowed." in response.content.decode()


def test_api_answers_nul_in_the_address_in_its_error_shape(client):
    response = client.get("/api/v1/campuses/%00/")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "type": "validation_error",
            "message": "Null characters are not allowed.",
            "fields": {"slug": ["Null characters are not allowed."]},
        }
    }


@pytest.mark.parametrize("path", ["/apply/", "/advisory/login/", "/apply/link/", "/admin/login/"])
def test_nul_in_form_fields_is_a_form_error_next_to_the_field(client, campus, path):
    page = client.get(path).content.decode()
    names = set(re.findall(r'<input[^>]*type="(?:text|email|url|password)"[^>]*name="([^"]+)"', page))
    names |= set(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="(?:text|email|url|password)"', page))
    names |= set(re.findall(r'<textarea[^>]*name="([^"]+)"', page))
    assert names, f"no text fields found on {path}"

    client.raise_request_exception = False
    response = client.post(path, dict.fromkeys(names, "a\x00b"))

    assert response.status_code in {200, 400}, (path, response.status_code)
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/apply/", "/admin/login/", "/api/v1/campuses/", "/apply/status/"])
def test_a_cookie_holding_nul_characters_counts_as_not_sent(url):
    """``"\\000"`` in a cookie is plain ASCII any client can send; Django unescapes it to a NUL."""
    visitor = Client(raise_request_exception=False, HTTP_COOKIE='sessionid="' + "\\000" * 8 + '"')
    stranger = Client()

    assert visitor.get(url).status_code == stranger.get(url).status_code
