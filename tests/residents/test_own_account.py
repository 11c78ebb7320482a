"""A resident's own account: two-factor sign-in (optional, or compulsory where the campus says
so), their personal data as a download, and closing the account."""

from __future__ import annotations

import json

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def test_where_the_campus_asks_for_it_a_resident_sets_up_two_factor_before_the_area_opens(resident_member):
    campus = resident_member.company.campus
    campus.residents_two_factor_required = True
    campus.save()

    sent = resident_member.client.get("/my/team/")
    assert sent.status_code == 302 and sent["Location"] == "/my/two-factor/?next=/my/team/"
    setup = resident_member.client.get(sent["Location"])
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=resident_member.user, confirmed=False)

    wrong = resident_member.client.post("/my/two-factor/", {"code": "000000", "next": "/my/team/"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # as the second of waiting django-otp asks after a wrong code
    right = resident_member.client.post("/my/two-factor/", {"code": current_code(device), "next": "/my/team/"})

    assert right.status_code == 302 and right["Location"] == "/my/team/"
    assert resident_member.client.get("/my/team/").status_code == 200


def test_a_resident_with_an_authenticator_enters_its_code_after_the_password(client, resident_member):
    device = TOTPDevice.objects.create(user=resident_member.user, name="phone", confirmed=True)
    from tests.personas import RESIDENT_PASSWORD

    client.post("/my/login/", {"username": resident_member.user.email, "password": RESIDENT_PASSWORD})

    assert client.get("/my/").status_code == 302
    client.post("/my/two-factor/", {"code": current_code(device), "next": "/my/"})
    assert client.get("/my/").status_code == 200


def test_the_second_factor_page_is_for_residents_only(screening_officer, client):
    client.force_login(screening_officer)

    assert client.get("/my/two-factor/").status_code == 404


def test_a_resident_downloads_what_the_portal_keeps_about_them(resident_admin):
    response = resident_admin.client.post("/my/account/export/")

    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    assert (data["email"], data["company"], data["role"]) == (resident_admin.user.email, "Helix Therapeutics", "admin")


def test_closing_an_account_erases_the_person_but_never_the_last_admin(resident_admin, resident_member):
    refused = resident_admin.client.post("/my/account/close/", {"confirm": "yes"}, follow=True)
    assert "at least one company admin" in refused.content.decode()

    unconfirmed = resident_member.client.post("/my/account/close/", follow=True)
    assert "Tick the box" in unconfirmed.content.decode()
    closed = resident_member.client.post("/my/account/close/", {"confirm": "yes"})

    assert closed.status_code == 302
    resident_member.user.refresh_from_db()
    user = resident_member.user
    assert (user.email, user.first_name, user.is_active, user.has_usable_password()) == (
        f"erased-{user.pk}@invalid",
        "",
        False,
        False,
    )
    assert resident_member.client.get("/my/").status_code == 302
