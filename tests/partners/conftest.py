"""Partners' webhooks may be delivered to receivers the tests run on 127.0.0.1.

Partner A, partner B (the outsider) and their API clients are personas of the root conftest.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
