"""A calendar feed's address never reaches a request log, as the development server writes it."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from residents.services.feeds import feed_issue
from tests.portal.test_serving import server_log  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)  # the server reads what the test wrote


def test_the_request_log_never_holds_a_feeds_token(server_log, settings, resident_member):  # noqa: F811
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    _feed, token = feed_issue(user=resident_member.user, actor=resident_member.user)
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(f"{base}/calendar/{token}.ics", timeout=20) as response:  # noqa: S310
            assert response.status == 200 and response.read().startswith(b"BEGIN:VCALENDAR")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/zh-hans/calendar/{token[:12]}.ics", timeout=20)  # noqa: S310
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()

    log = server_log.getvalue()
    assert '"GET /calendar/[redacted] HTTP/1.1" 200' in log
    assert '"GET /zh-hans/calendar/[redacted] HTTP/1.1" 404' in log
    assert token not in log and token[:12] not in log
