"""The staff frame in a real browser: a phone-wide page never scrolls sideways; signing out is one click."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tenants.services.onboarding import onboarding_start
from tests.tenants.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-pass-1"


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_superuser(username="manager", email="m@example.org", password=PASSWORD)


def _sign_in(page, live_server, prefix: str = "") -> None:
    page.goto(f"{live_server.url}{prefix}/admin/login/?next={prefix}/staff/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{prefix}/staff/")


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_staff_pages_fit_a_phone_screen(page, live_server, manager, prefix):
    application = ApplicationFactory()
    onboarding_start(application=application, approved_on=timezone.localdate())
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, prefix)

    for path in [
        "/staff/",
        "/staff/dashboard/",
        "/staff/onboarding/",
        f"/staff/reviews/{application.pk}/",
        "/staff/two-factor/",
    ]:
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("nav.staff-nav").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{prefix}{path} is {width}px wide"
    # The board's wide table scrolls inside its own region, which the keyboard can reach.
    page.goto(f"{live_server.url}{prefix}/staff/onboarding/")
    region = page.locator(".table-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert region.get_attribute("tabindex") == "0"


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_signing_out_from_the_staff_header(page, live_server, manager, prefix):
    _sign_in(page, live_server, prefix)

    page.locator("form.staff-sign-out button").click()
    page.wait_for_url(f"{live_server.url}{prefix}/admin/logout/")

    page.goto(f"{live_server.url}{prefix}/staff/")
    assert page.url.startswith(f"{live_server.url}{prefix}/admin/login/")
