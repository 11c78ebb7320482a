"""Two web machines, one portal: what one machine did, the other knows at once.

Two real gunicorn processes (deploy/gunicorn.conf.py, production settings) on different ports,
each with its own empty local folder, share the database, Redis and a documents bucket on a real
S3-compatible server, as machines behind one load balancer do. A browser's requests go to
whichever machine the balancer picks; here the test picks, to prove each hand-over.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import requests

from partners.models import PartnerToken
from tenants.models import Application, ApplicationDocument
from tests.partners.factories import PartnerFactory, token_for
from tests.tenants.factories import PDF
from tests.tenants.helpers import company_data

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

HOST = "portal.example.org"


class Browser:
    """One person's browser behind the balancer: the same cookies, whichever machine answers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, machine, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        if method == "POST":
            headers["Origin"] = f"https://{HOST}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(
            method,
            f"http://127.0.0.1:{machine.port}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=20,
            **kwargs,
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, machine, path: str, **kwargs) -> requests.Response:
        return self.request(machine, "GET", path, **kwargs)

    def submit(self, machine, path: str, data: dict, files=None) -> requests.Response:
        """GET the form from ``machine`` and POST it back to it with its CSRF token."""
        form = self.get(machine, path)
        assert form.status_code == 200, f"GET {path}: {form.status_code}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        return self.request(machine, "POST", path, data={**data, "csrfmiddlewaretoken": token}, files=files)


@pytest.fixture
def machines(serve, bucket, tmp_path, settings):
    """Machines A and B: separate, empty local folders; the same database, Redis and bucket."""

    def machine(name: str):
        folder = tmp_path / f"machine-{name}"
        folder.mkdir()
        started = serve(
            ALLOWED_HOSTS=HOST,
            REDIS_URL=settings.REDIS_URL,
            PRIVATE_MEDIA_ROOT=str(folder),
            LINK_REQUEST_RATE="2/h",
            **bucket.env,
        )
        started.folder = folder
        return started

    return machine("a"), machine("b")


@pytest.fixture
def staff(staff_user, settings):
    """The staff account, its password hashed as production hashes it (the test run's hasher is faster)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    staff_user.set_password("x")
    staff_user.save(update_fields=["password"])
    return staff_user


def files_below(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_an_upload_through_one_machine_downloads_through_the_other(machines, campus, staff, bucket):
    a, b = machines
    applicant, manager = Browser(), Browser()

    assert applicant.submit(a, "/apply/", company_data(campus)).status_code == 302
    Application.objects.update(completed_steps=["company", "contacts", "profile", "needs"])
    upload = applicant.submit(b, "/apply/step/documents/", {}, files={"pitch_deck": ("deck.pdf", PDF)})
    assert upload.status_code == 302, "the applicant's session from A works on B"
    document = ApplicationDocument.objects.get()

    signed_in = manager.submit(b, "/admin/login/?next=/admin/", {"username": "staff", "password": "x"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/admin/"
    assert manager.get(a, "/admin/").status_code == 200, "the staff session from B works on A"
    download = manager.get(a, f"/documents/{document.pk}/")

    assert download.status_code == 200 and download.content == PDF
    assert Browser().get(a, f"/documents/{document.pk}/").status_code == 404
    assert bucket.read(document.file.name) == PDF
    assert files_below(a.folder) == [] and files_below(b.folder) == []


def test_a_rate_limit_counted_on_one_machine_applies_on_the_other(machines):
    a, b = machines
    visitor = Browser()

    for machine in (a, b):
        assert visitor.submit(machine, "/apply/link/", {"email": "ada@helix.example.com"}).status_code == 200
    limited = visitor.submit(a, "/apply/link/", {"email": "ada@helix.example.com"})

    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3600"


def test_a_token_revoked_through_one_machine_is_refused_by_the_other_at_once(machines, staff):
    a, b = machines
    secret = token_for(PartnerFactory())
    bearer = {"Authorization": f"Bearer {secret}"}
    assert Browser().get(b, "/api/v1/me/", headers=bearer).status_code == 200  # now in B's view of the cache

    manager = Browser()
    manager.submit(a, "/admin/login/?next=/admin/", {"username": "staff", "password": "x"})
    token = PartnerToken.objects.get()
    revoked = manager.submit(
        a,
        "/admin/partners/partnertoken/",
        {"action": "revoke", "_selected_action": str(token.pk), "index": "0"},
    )
    assert revoked.status_code == 302

    refused = Browser().get(b, "/api/v1/me/", headers=bearer)
    assert refused.status_code == 401
    assert refused.json()["error"]["type"] == "authentication_failed"
