"""HTTP hardening, sign-in lock-out and two-factor sign-in, over real requests."""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import group_name

PAGES = ["/", "/zh-hans/", "/residents/", "/committee/", "/admin/login/", "/advisory/login/", "/api/docs/"]


@pytest.fixture
def production(settings, monkeypatch):
    """The security settings of portal.settings.production, applied to this test's requests."""
    monkeypatch.setenv("SECRET_KEY", os.environ.get("SECRET_KEY", "x" * 50))
    prod = importlib.import_module("portal.settings.production")
    for name in dir(prod):
        if name.startswith(("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")) or name in {
            "CONTENT_SECURITY_POLICY",
            "X_FRAME_OPTIONS",
        }:
            setattr(settings, name, getattr(prod, name))
    return settings


@pytest.mark.django_db
def test_production_responses_carry_the_hardening_headers(client, production, staff_user):
    response = client.get("/", secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert client.get("/", secure=False).status_code == 301  # plain HTTP goes to HTTPS

    client.get("/admin/login/", secure=True)
    signed_in = client.post("/admin/login/", {"username": "staff", "password": "x", "next": "/admin/"}, secure=True)
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == 8 * 3600
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_no_page_runs_an_inline_script(client, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])  # only when a page uses one
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or (nonce and f'nonce="{nonce.group(1)}"' in tag), tag
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers need unsafe-inline"


@pytest.mark.django_db
def test_admin_sign_in_locks_out_after_repeated_failures(client, staff_user, settings):
    settings.AXES_FAILURE_LIMIT = 3

    def sign_in(password):
        return client.post("/admin/login/", {"username": "staff", "password": password, "next": "/admin/"})

    assert [sign_in("wrong").status_code for _ in range(2)] == [200, 200]
    locked = sign_in("wrong")
    assert locked.status_code == 429 and "Too many failed sign-in attempts" in locked.content.decode()
    assert sign_in("x").status_code == 429  # even the right password, until the lock-out ends

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=31)):
        assert sign_in("x").status_code == 302


def _device(user, confirmed=True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.mark.django_db
def test_staff_with_a_device_enter_a_code_before_the_admin_opens(staff_client, staff_user):
    device = _device(staff_user)

    blocked = staff_client.get("/admin/tenants/application/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/staff/two-factor/?next=")
    assert staff_client.get("/staff/").status_code == 302

    wrong = staff_client.post("/staff/two-factor/", {"code": "000000", "next": "/admin/tenants/application/"})
    assert wrong.status_code == 200 and "not right or has expired" in wrong.content.decode()

    hasty = staff_client.post("/staff/two-factor/", {"code": _code(device), "next": "/admin/tenants/application/"})
    assert "wait a few seconds" in hasty.content.decode()  # guessing is slowed down

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=5)):
        device.refresh_from_db()
        right = staff_client.post("/staff/two-factor/", {"code": _code(device), "next": "/admin/tenants/application/"})
    assert right.status_code == 302 and right["Location"] == "/admin/tenants/application/"
    assert staff_client.get("/admin/tenants/application/").status_code == 200


@pytest.mark.django_db
def test_campus_managers_must_set_up_two_factor_when_the_setting_is_on(client, django_user_model, settings):
    manager = django_user_model.objects.create_user("manager", password="pw-manager-123", is_staff=True)
    manager.groups.add(Group.objects.get(name=group_name("campus_manager")))
    officer = django_user_model.objects.create_user("officer", password="pw-officer-123", is_staff=True)
    officer.groups.add(Group.objects.get(name=group_name("screening_officer")))

    client.force_login(officer)
    settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = True
    assert client.get("/admin/").status_code == 200  # optional for other roles

    client.force_login(manager)
    settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = False
    assert client.get("/admin/").status_code == 200
    settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = True
    assert client.get("/admin/")["Location"] == "/staff/two-factor/?next=/admin/"

    setup = client.get("/staff/two-factor/?next=/admin/")
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    done = client.post("/staff/two-factor/", {"code": _code(device), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed and client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_api_asks_staff_for_the_second_factor_too(staff_client, staff_user):
    assert staff_client.get("/api/v1/referrals/").status_code == 200
    device = _device(staff_user)

    assert staff_client.get("/api/v1/referrals/").status_code in (401, 403)

    staff_client.post("/staff/two-factor/", {"code": _code(device), "next": "/staff/"})
    assert staff_client.get("/api/v1/referrals/").status_code == 200
