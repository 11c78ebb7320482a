"""Personas and markers shared by every test.

Tests marked ``postgres`` or ``redis`` need the real service. They skip on the embedded
run; with REQUIRE_SERVICES=1 (CI's service run) a missing service is a failure, not a skip.
"""

from __future__ import annotations

import os
import os.path
import shutil
import signal
import subprocess
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from tests.advisory.factories import AdvisoryMemberFactory
from tests.campus.factories import CampusFactory
from tests.object_storage import bucket, s3_server  # noqa: F401 - fixtures for every test module
from tests.partners.factories import PartnerFactory, client_with, token_for
from tests.personas import MEMBER_PASSWORD, applicant_following, resident_of, staff_in_role
from tests.served import serve  # noqa: F401 - a real gunicorn, for the tests of serving
from tests.tenants.factories import ApplicationFactory, CompanyFactory


def _services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: absent with -p no:xdist
def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto`` (``make test``): one test process per CPU (at most four), each with a test
    database (``test_<name>_gw0``, …) and, against real services, a Redis database of its own
    (portal/settings/test.py). The tests marked ``worker`` use the Celery worker CI starts on the
    one test database ``test_<name>``: ``make test`` runs them apart, in one process."""
    return max(1, min(len(os.sched_getaffinity(0)), 4))


#: The fixtures of tests that talk to the Celery worker CI starts: such tests are marked ``worker``.
WORKER_FIXTURES = {"celery_worker_jobs", "worker_mail_dir"}


def pytest_addoption(parser):
    parser.addoption(
        "--worker-tests",
        action="store_true",
        help="only the tests marked worker, in one process (after `pytest -n`, which leaves them out)",
    )


def pytest_configure(config):
    if config.getoption("--worker-tests") and config.getoption("numprocesses", None):
        raise pytest.UsageError("--worker-tests run in one process: leave out -n.")


def pytest_collection_modifyitems(config, items):
    """Marks the tests of the real worker; leaves them out of test processes side by side (``-n``),
    whose databases are not the worker's; with ``--worker-tests``, keeps only them."""
    for item in items:
        if WORKER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.worker)
    if config.getoption("--worker-tests"):
        left_out = [item for item in items if not item.get_closest_marker("worker")]
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        left_out = [item for item in items if item.get_closest_marker("worker")]
    else:
        return
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


def pytest_runtest_setup(item):
    missing = []
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing.append("PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        missing.append("Redis (set REDIS_URL)")
    if item.get_closest_marker("browser") and not os.path.exists("/usr/bin/chromium"):
        missing.append("Chromium (apt-get install chromium)")
    if missing:
        message = f"needs {' and '.join(missing)}"
        if _services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture
def staff_user(django_user_model):
    """A campus staff member with every permission in the admin."""
    return django_user_model.objects.create_superuser(username="staff", email="staff@example.org", password="x")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def campus(db):
    return CampusFactory()


# --- Personas --------------------------------------------------------------------------------


@pytest.fixture
def screening_officer(db):
    """Reads and moves applications, onboarding and compliance documents; cannot delete."""
    return staff_in_role("screening_officer")


@pytest.fixture
def space_manager(db):
    """Runs buildings, spaces and allocations; sees companies, not applications."""
    return staff_in_role("space_manager")


@pytest.fixture
def campus_manager(db):
    """Every campus, tenant, partner and committee record, without being a superuser."""
    return staff_in_role("campus_manager")


@pytest.fixture
def applicant(campus):
    """A browser following its own submitted application, under its primary contact's address."""
    application = ApplicationFactory(campus=campus, company__campus=campus, status="submitted")
    return applicant_following(application, application.primary_contact.email)


@pytest.fixture
def resident_company(campus):
    """Company A: a resident of the campus, with people of its own (the fixtures below)."""
    return CompanyFactory(campus=campus, name="Helix Therapeutics")


@pytest.fixture
def other_company(campus):
    """Company B: another resident, whose people must never see company A's things."""
    return CompanyFactory(campus=campus, name="Nordic Biologics")


@pytest.fixture
def resident_admin(resident_company):
    """Company A's admin: manages its team and profile."""
    return resident_of(resident_company, "admin", "Ada")


@pytest.fixture
def resident_member(resident_company):
    """A member of company A: sees the company's area, manages nothing."""
    return resident_of(resident_company, "member", "Max")


@pytest.fixture
def resident_finance(resident_company):
    """Company A's finance person: the lease and invoices (when they exist), no team management."""
    return resident_of(resident_company, "finance", "Fei")


@pytest.fixture
def other_resident(other_company):
    """Company B's admin, the outsider for every object of company A."""
    return resident_of(other_company, "admin", "Bo")


@pytest.fixture
def partner_a(db):
    return PartnerFactory(name="Skolkovo Innovation Center", slug="skolkovo", country="RU")


@pytest.fixture
def partner_b(db):
    """The outsider: a partner who must never see partner A's data."""
    return PartnerFactory(name="UK BioIndustry Association", slug="bia")


@pytest.fixture
def api_a(partner_a):
    """Partner A's API client, holding a token with every scope."""
    return client_with(token_for(partner_a))


@pytest.fixture
def api_b(partner_b):
    return client_with(token_for(partner_b))


def _member(campus, name: str, **fields):
    username = name.split()[0].lower()
    email = f"{username}@example.org"
    user = get_user_model().objects.create_user(username=username, email=email, password=MEMBER_PASSWORD)
    return AdvisoryMemberFactory(committee__campus=campus, user=user, name=name, email=email, **fields)


@pytest.fixture
def alice(campus):
    """An advisory committee member of the campus, with an account (password MEMBER_PASSWORD)."""
    return _member(campus, "Alice Reviewer", organisation="Demo University", sector="university", origin="domestic")


@pytest.fixture
def bob(campus):
    """A second member of the same committee."""
    return _member(campus, "Bob Reviewer", organisation="Demo University", sector="university", origin="domestic")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded documents go to a folder of the test's own, never into the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with empty rate-limit counters and the default language, outside any worker.

    A request to a /zh-hans/ page leaves Chinese active in the test's thread, which would
    otherwise make ``reverse()`` in the next test build Chinese URLs. A Celery worker started in
    this process by an earlier test (``start_worker``) marks the process as a worker's, where
    ``result.get()`` is refused; its thread may do so after the test has ended.
    """
    from celery._state import _set_task_join_will_block
    from django.core.cache import cache
    from django.utils import translation

    _set_task_join_will_block(False)
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


class Broker:
    """Points the Celery app at a broker for one test, and back to in-process jobs afterwards."""

    def __init__(self):
        from portal.celery import app

        self.app = app

    def _use(self, url: str, eager: bool) -> None:
        self.app.conf.broker_url = url
        self.app.conf.task_always_eager = eager
        # Drop the cached connection pools so the next publish connects to the new URL.
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def down(self) -> None:
        """A broker on a closed port: publishing fails quickly, as when Redis is down."""
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self._use(f"redis://127.0.0.1:{port}/0", eager=False)

    def real(self) -> None:
        """The real Redis of REDIS_URL, with the worker CI starts consuming from it."""
        self._use(settings.REDIS_URL, eager=False)

    def at(self, url: str) -> None:
        """A broker at ``url`` (e.g. a Redis server the test runs itself)."""
        self._use(url, eager=False)

    def in_process(self) -> None:
        self._use(settings.CELERY_BROKER_URL, eager=True)


@pytest.fixture
def broker():
    broker = Broker()
    yield broker
    broker.in_process()


@pytest.fixture
def celery_worker_jobs(broker):
    """Publish jobs to the real broker for a real worker (CI starts one) instead of running them here."""
    broker.real()
    return broker.app


@pytest.fixture
def worker_mail_dir():
    """Where the worker CI starts writes its e-mail (WORKER_MAIL_DIR), to see what it really sent."""
    from pathlib import Path

    path = os.environ.get("WORKER_MAIL_DIR")
    if not path:
        message = "needs WORKER_MAIL_DIR, the folder the test worker writes e-mail to"
        if _services_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return Path(path)


REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    """A throw-away redis-server on a free 127.0.0.1 port, without persistence."""

    def __init__(self):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.kill()
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        """Stop at once, as a crash does (SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1)


@pytest.fixture
def own_redis():
    """A Redis server of the test's own, which it may stop and start (redis-server must be installed)."""
    if not shutil.which(REDIS_SERVER):
        if _services_required():
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed", pytrace=False)
        pytest.skip("needs redis-server")
    server = RedisServer()
    server.start()
    yield server
    server.kill()
