"""What the API refuses, and how: NUL characters, deep nesting, malformed pages, nested field errors.

Every refusal is a 400 in the stable error shape, naming the field by its path, in words a partner
can read; routes and request bodies are read from the schema, so new ones are covered.
"""

from __future__ import annotations

import base64

import pytest

from partners.models import Referral, WebhookEndpoint
from tests.campus.factories import CampusFactory

pytestmark = pytest.mark.django_db

NUL_MESSAGE = ["Null characters are not allowed."]


@pytest.fixture
def schema(client):
    return client.get("/api/schema/?format=json").json()


def _request_bodies(schema):
    """(path, properties) of every operation that takes a JSON body."""
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                name = content["schema"]["$ref"].rsplit("/", 1)[1]
                yield path, schema["components"]["schemas"][name]["properties"]


def _messages_are_readable(error: dict) -> None:
    messages = [error["message"], *(m for ms in error.get("fields", {}).values() for m in ms)]
    for message in messages:
        assert isinstance(message, str)
        assert "ErrorDetail" not in message and not message.startswith(("{", "[")), message


def test_nul_in_every_string_of_every_request_body_is_400_naming_each(api_a, schema):
    checked = 0
    for path, properties in _request_bodies(schema):
        body, expected = {}, {}
        for name, prop in properties.items():
            if prop.get("readOnly"):
                continue
            if prop.get("type") == "string" or "$ref" in prop or "enum" in prop:
                body[name], expected[name] = "a\x00b", NUL_MESSAGE
            elif prop.get("type") == "array":
                body[name], expected[f"{name}[0]"] = ["a\x00b"], NUL_MESSAGE
        body["x\x00"] = "1"
        expected["x\\u0000"] = NUL_MESSAGE

        response = api_a.post(path, body, format="json")

        assert response.status_code == 400, path
        assert response.json()["error"]["fields"] == expected, path
        checked += 1
    assert checked >= 2
    assert not Referral.objects.exists() and not WebhookEndpoint.objects.exists()


def test_json_nested_100000_levels_is_400_on_every_route_that_takes_a_body(api_a, schema):
    bodies = ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000, "[" * 33 + "]" * 33]
    for path, _properties in _request_bodies(schema):
        for body in bodies:
            response = api_a.post(path, body, content_type="application/json")

            assert response.status_code == 400, path
            assert response.json()["error"]["message"] == "JSON may be nested at most 32 levels deep."


def test_json_that_no_column_can_hold_is_400(api_a):
    for body in ['{"note": "\\ud800"}', '{"note": NaN}', "{", b"\xff"]:
        response = api_a.post("/api/v1/referrals/", body, content_type="application/json")

        assert response.status_code == 400, body
        assert response.json()["error"]["message"].startswith("The body is not valid JSON")


@pytest.mark.postgres
def test_nul_in_a_path_parameter_is_400_not_a_server_error_on_postgresql(api_a, schema):
    api_a.raise_request_exception = False
    for template in schema["paths"]:
        if "{" not in template:
            continue
        name = template[template.index("{") + 1 : template.index("}")]
        response = api_a.get(template.replace("{" + name + "}", "a\x00"))

        assert response.status_code == 400, template
        assert response.json()["error"]["fields"] == {name: NUL_MESSAGE}, template


def test_nul_in_every_path_parameter_of_the_schema_is_400_naming_it(api_a, schema):
    checked = 0
    for template, operations in schema["paths"].items():
        if "{" not in template:
            continue
        name = template[template.index("{") + 1 : template.index("}")]
        for method in operations.keys() & {"get", "post", "delete"}:
            response = getattr(api_a, method)(template.replace("{" + name + "}", "1\x00"))

            assert response.status_code == 400, (method, template)
            assert response.json()["error"]["fields"] == {name: NUL_MESSAGE}, template
            checked += 1
    assert checked >= 6


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"event_types": ["ping", "bar"]}, {"event_types[1]": ['"bar" is not a valid choice.']}),
        ({"event_types": ["foo"]}, {"event_types[0]": ['"foo" is not a valid choice.']}),
        ({"event_types": [["ping"]]}, {"event_types[0]": ["\"['ping']\" is not a valid choice."]}),
        ({"event_types": "ping"}, {"event_types": ['Expected a list of items but got type "str".']}),
        ({"event_types": []}, {"event_types": ["This list may not be empty."]}),
        ({"url": 5, "event_types": ["ping"]}, {"url": ["Enter a valid URL."]}),
        ({"description": {"a": 1}, "event_types": ["ping"]}, {"description": ["Not a valid string."]}),
    ],
)
def test_webhook_errors_name_the_item_in_readable_words(api_a, body, fields):
    body.setdefault("url", "https://hooks.example.org/in")

    response = api_a.post("/api/v1/webhooks/", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    _messages_are_readable(error)
    assert error["fields"] == fields


@pytest.mark.parametrize(
    "body",
    [
        [{"campus": "icampus"}],
        "a string",
        5,
        {"campus": ["icampus"], "country": {"code": "GB"}, "contact_email": ["a@b.org"], "note": [1, 2]},
        {"campus": {"slug": "icampus"}, "website": ["https://x.org"], "company_name": None},
    ],
)
def test_invalid_referral_bodies_never_show_python_internals(api_a, body):
    CampusFactory(slug="icampus")

    response = api_a.post("/api/v1/referrals/", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    _messages_are_readable(error)
    assert set(error.get("fields", {})) <= {
        "campus",
        "company_name",
        "country",
        "website",
        "contact_name",
        "contact_email",
        "note",
    }


@pytest.mark.parametrize("value", ["0", "000", "-1", "abc", "1.5", "", "5_0"])
def test_page_size_that_is_not_a_whole_number_from_1_is_400(api_a, value):
    response = api_a.get("/api/v1/companies/", {"page_size": value})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page_size"]


def test_a_page_size_of_any_length_is_capped(api_a):
    response = api_a.get("/api/v1/companies/", {"page_size": "9" * 5000})

    assert response.status_code == 200


@pytest.mark.parametrize("position", ["abc", "1 OR 1=1", "", "-"])
def test_a_cursor_not_made_by_the_server_is_400(api_a, position):
    cursor = base64.b64encode(f"p={position}".encode()).decode()

    response = api_a.get("/api/v1/referrals/", {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"cursor": ["Invalid cursor"]}


def test_a_query_parameter_given_twice_is_400_naming_it(api_a):
    response = api_a.get("/api/v1/companies/?campus=a&campus=b&page_size=5")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"campus": ["Give this parameter once."]}


def test_an_empty_query_parameter_is_400_naming_it(api_a):
    response = api_a.get("/api/v1/spaces/?kind=&page_size=5")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"kind": ["Give a value, or leave the parameter out."]}


def test_numbers_too_large_to_be_exact_are_400_naming_the_field(api_a):
    """Past 64 bits the parser rounds: two different numbers would read the same and replay each other."""
    bodies = [
        f'{{"campus": "icampus", "company_name": "Helix", "country": "GB", "contact_name": "A", '
        f'"contact_email": "a@helix.example.com", "note": {number}}}'
        for number in (18446744073709551616, 18446744073709551617)
    ]
    answers = [
        api_a.post("/api/v1/referrals/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="big-numbers")
        for body in bodies
    ]

    assert [answer.status_code for answer in answers] == [400, 400]
    assert "note" in answers[0].json()["error"]["fields"]
