"""A real gunicorn, started by a test with deploy/gunicorn.conf.py (the file every deployment
uses) and the production settings, against the test database: ``serve(**env)`` starts one on a
free 127.0.0.1 port and stops it after the test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Gunicorn:
    """gunicorn -c deploy/gunicorn.conf.py portal.wsgi on a free 127.0.0.1 port; stdout to a file."""

    def __init__(self, tmp_path: Path, **env: str):
        self.port = _free_port()
        self.stdout = tmp_path / f"gunicorn-{self.port}.out"
        keep = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL", "FORWARDED_ALLOW_IPS"}}
        environment = {
            **keep,
            "DJANGO_SETTINGS_MODULE": "tests.portal.served_settings",
            "SECRET_KEY": "served-by-a-test-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": _database_url(),
            **env,
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "portal.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        with self.stdout.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - the virtualenv's gunicorn
                # No control socket: it would be shared with any other gunicorn of this user.
                [*command, "--workers", "1", "--no-control-socket"],
                cwd=ROOT,
                env=environment,
                stdout=out,
                start_new_session=True,
            )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def get(self, path: str, **headers: str) -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        opener = urllib.request.build_opener(NoRedirects)
        try:
            with opener.open(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> str:
        """Stop gunicorn (its logs are flushed on the way out) and return what it wrote to stdout."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.stdout.read_text()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def serve(tmp_path):
    started: list[Gunicorn] = []

    def start(**env: str) -> Gunicorn:
        started.append(Gunicorn(tmp_path, **env))
        return started[-1]

    yield start
    for server in started:
        server.stop()
