"""How the portal is served: access logs never hold link tokens, and forwarded headers count only
from the configured proxy (FORWARDED_ALLOW_IPS), for gunicorn and Django alike.

These start the real gunicorn with deploy/gunicorn.conf.py (the file every deployment uses) and
the production settings, against the test database.
"""

from __future__ import annotations

import io
import logging
import logging.config
import threading
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.utils.log import configure_logging

from tenants.links import access_link_issue
from tests.served import ROOT
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the server reads what the test wrote

DEPLOY_FILES = [
    "deploy/serve.sh",
    "deploy/Procfile",
    "deploy/Dockerfile",
    "deploy/systemd/icampus-web.service",
]


def test_gunicorn_access_log_never_holds_link_tokens(serve):
    application = ApplicationFactory()
    resume = access_link_issue(application=application, email="ada@helix.example.com")
    status = access_link_issue(application=application, email="ada@helix.example.com")
    server = serve()
    proxied = {"X-Forwarded-Proto": "https"}  # from 127.0.0.1, the proxy gunicorn trusts by default

    assert (
        server.get(
            f"/apply/resume/{resume}/", Referer=f"https://mail.example.org/?u=/apply/status/{status}/", **proxied
        )
        == 303  # on to /apply/link/open/, without the token
    )
    assert (
        server.get(
            f"/zh-hans/apply/status/{status}/", Referer=f"https://portal.example.org/apply/resume/{resume}/", **proxied
        )
        == 303
    )
    assert server.get("/apply/status/a-mistyped-token/", **proxied) == 303  # "not valid any more" comes next
    log = server.stop()

    assert "GET /apply/resume/[redacted]/ HTTP/1.1" in log
    assert "GET /zh-hans/apply/status/[redacted]/ HTTP/1.1" in log
    assert '"https://portal.example.org/apply/resume/[redacted]/"' in log
    for secret in (resume, status, "a-mistyped-token"):
        assert secret not in log


def test_every_deployment_serves_with_the_shared_gunicorn_config():
    for name in DEPLOY_FILES:
        text = (ROOT / name).read_text()
        commands = [line for line in text.splitlines() if "gunicorn" in line and "portal.wsgi" in line]
        assert commands, name
        for command in commands:
            assert "deploy/gunicorn.conf.py" in command, name
            # A command-line flag would override the config file's log and proxy settings.
            assert "--access-logfile" not in command and "--forwarded-allow-ips" not in command, name
    assert "deploy/serve.sh" in (ROOT / "Makefile").read_text()


def test_forwarded_headers_count_only_from_the_configured_proxy(serve):
    https = {"X-Forwarded-Proto": "https"}

    trusted = serve()  # FORWARDED_ALLOW_IPS unset: the local proxy, 127.0.0.1
    assert trusted.get("/", **https) == 200
    elsewhere = serve(FORWARDED_ALLOW_IPS="10.20.30.40")  # the proxy is another machine; we are not it
    assert elsewhere.get("/", **https) == 301  # the claim of HTTPS is ignored: redirected to https://


@pytest.fixture
def server_log():
    """The portal's logging settings as `make run` has them (DEBUG: plain lines), kept in a buffer."""
    from portal.settings import base

    config = {**base.LOGGING, "handlers": {"console": {**base.LOGGING["handlers"]["console"], "formatter": "plain"}}}
    logging.config.dictConfig(config)
    buffer = io.StringIO()
    for handler in logging.getLogger("django.server").handlers:
        handler.setStream(buffer)
    yield buffer
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def test_development_server_log_never_holds_link_tokens(server_log, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    token = access_link_issue(application=ApplicationFactory(), email="ada@helix.example.com")
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)  # what runserver uses
    server.set_app(WSGIHandler())  # not get_wsgi_application(): it would set up logging again
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/apply/resume/{token}/"
        with urllib.request.urlopen(url, timeout=20) as response:  # follows the 303 to /apply/link/
            assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()

    log = server_log.getvalue()
    assert '"GET /apply/resume/[redacted]/ HTTP/1.1" 303' in log
    assert token not in log


UNTRUSTED = "81.2.70.9"


def test_django_ignores_a_claim_of_https_from_a_client_that_is_not_the_proxy(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True

    from_proxy = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1")
    from_client = client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=UNTRUSTED)

    assert from_proxy.status_code == 200
    assert from_client.status_code == 301 and from_client["Location"].startswith("https://")


def test_a_client_cannot_dodge_the_sign_in_lock_out_with_a_forged_forwarded_for(client, staff_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1

    def sign_in(number: int):
        data = {"username": "staff", "password": "wrong", "next": "/admin/"}
        return client.post("/admin/login/", data, REMOTE_ADDR=UNTRUSTED, HTTP_X_FORWARDED_FOR=f"81.2.69.{number}")

    assert [sign_in(number).status_code for number in range(3)] == [200, 200, 429]


def test_the_configured_proxy_network_is_trusted(client, settings):
    settings.FORWARDED_ALLOW_IPS = ["81.2.70.0/24"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=UNTRUSTED).status_code == 200
    assert client.get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="127.0.0.1").status_code == 301


def _sign_in(client, forwarded_for: str, password: str):
    data = {"username": "staff", "password": password, "next": "/admin/"}
    return client.post("/admin/login/", data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_the_proxy_lock_outs_count_each_client_by_its_own_address(client, staff_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1

    # Whatever an attacker puts in front, the proxy appends the address it really saw.
    attempts = [_sign_in(client, f"10.0.0.{n}, 81.2.69.7", "wrong").status_code for n in range(3)]

    assert attempts == [200, 200, 429]
    assert _sign_in(client, "81.2.69.8", password="x").status_code == 302  # the real user elsewhere


def test_behind_the_proxy_rate_limits_count_each_client_by_its_own_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LINK_REQUEST_RATE = "2/h"

    def ask(forwarded_for: str) -> int:
        data = {"email": "ada@helix.example.com"}
        return client.post(
            "/apply/link/", data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for
        ).status_code

    assert [ask(f"10.0.0.{n}, 81.2.69.7") for n in range(3)] == [200, 200, 429]
    assert ask("81.2.69.8") == 200


def test_compose_runs_many_web_and_workers_behind_one_balancer_and_exactly_one_beat():
    import ipaddress

    import yaml

    compose = yaml.safe_load((ROOT / "deploy/docker-compose.yml").read_text())
    services = compose["services"]
    environment = dict(
        line.split("=", 1) for line in (ROOT / "deploy/.env.example").read_text().splitlines() if "=" in line
    )

    assert services["web"]["deploy"]["replicas"] == "${WEB_REPLICAS:-2}" and "ports" not in services["web"]
    assert services["worker"]["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in ("web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("web", "worker", "beat", "balancer"):
        assert services[name]["restart"] == "unless-stopped", name
    # Forwarded headers count only from the balancer, and only the host's proxy reaches it: other
    # containers and clients of a published port must not count as a proxy.
    balancer = services["balancer"]
    published = [port for service in services.values() for port in service.get("ports", [])]
    assert published == ["127.0.0.1:8000:8080"] == balancer["ports"]
    trusted = [ipaddress.ip_network(part) for part in environment["FORWARDED_ALLOW_IPS"].split(",")]
    assert trusted == [ipaddress.ip_network(balancer["networks"]["default"]["ipv4_address"])]
    assert environment["TRUSTED_PROXY_COUNT"] == "2"
    assert "server web:8000 resolve" in (ROOT / "deploy/nginx/balancer.conf").read_text()
