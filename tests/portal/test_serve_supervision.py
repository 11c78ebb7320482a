"""`make serve` keeps the site up when one of its processes dies (deploy/supervise.sh).

The supervisor runs here as deploy/serve.sh uses it (same shell options), with stand-ins for its three
processes: a small web server for gunicorn and long sleeps for the Celery worker and beat.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTED = re.compile(r"supervise: (\w+) started \(pid (\d+)\)")


class Supervisor:
    def __init__(self, port: int):
        script = (
            "set -euo pipefail\n"
            "source deploy/supervise.sh\n"
            f"supervise web {sys.executable} -m http.server {port} --bind 127.0.0.1\n"
            "supervise worker sleep 600\n"
            "supervise beat sleep 600\n"
            "supervise_wait\n"
        )
        self.process = subprocess.Popen(  # noqa: S603 - the script above
            ["/bin/bash", "-c", script],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.pids: dict[str, int] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)

    def wait_for(self, condition, seconds: float = 10) -> None:
        """Read the supervisor's reports of started processes until ``condition()`` holds."""
        deadline = time.monotonic() + seconds
        while not condition():
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if match := STARTED.search(line):
                self.pids[match[1]] = int(match[2])

    def wait_for_all(self) -> None:
        self.wait_for(lambda: {"web", "worker", "beat"} <= self.pids.keys())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _serves(port: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                return response.status == 200
        except OSError:
            time.sleep(0.1)
    return False


@pytest.fixture
def supervisor():
    port = _free_port()
    running = Supervisor(port)
    running.port = port
    yield running
    running.stop()
    if running.process.poll() is None:
        os.killpg(running.process.pid, signal.SIGKILL)


def test_a_killed_worker_is_restarted_while_web_and_beat_keep_running(supervisor):
    supervisor.wait_for_all()
    web, worker, beat = (supervisor.pids[name] for name in ("web", "worker", "beat"))
    assert _serves(supervisor.port)

    os.kill(worker, signal.SIGKILL)
    supervisor.wait_for(lambda: supervisor.pids["worker"] != worker)
    restarted = supervisor.pids["worker"]

    assert restarted != worker and _alive(restarted)
    assert _alive(web) and _alive(beat), "the other processes keep running"
    assert _serves(supervisor.port, seconds=2)


def test_stopping_the_supervisor_stops_every_process(supervisor):
    supervisor.wait_for_all()
    assert _serves(supervisor.port)

    supervisor.process.send_signal(signal.SIGTERM)
    supervisor.process.wait(timeout=10)

    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in supervisor.pids.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in supervisor.pids.values())
