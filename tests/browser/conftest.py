"""A headless Debian Chromium page driven by Playwright, for tests marked ``browser``."""

from __future__ import annotations

import os

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(request):
    playwright = pytest.importorskip("playwright.sync_api")
    # Playwright runs an event loop in this thread; the ORM calls here are plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        # The site's Content-Security-Policy applies, except in modules that inject their own
        # checking script (BYPASS_CSP = True there).
        bypass = getattr(request.module, "BYPASS_CSP", False)
        yield browser.new_page(viewport={"width": 1100, "height": 900}, bypass_csp=bypass)
        browser.close()
        # Connections opened while Playwright's loop ran belong to that context; close them here.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def people(resident_admin, django_user_model):
    """Who signs in to walk an area (tests/browser/pages.py): a superuser, and company A's admin."""
    from tests.browser.pages import STAFF_PASSWORD

    manager = django_user_model.objects.create_superuser(
        username="manager", email="m@example.org", password=STAFF_PASSWORD
    )
    return manager, resident_admin
