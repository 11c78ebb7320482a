"""Screenshots of the portal for the README, taken from a freshly seeded demo campus.

    make screenshots        # or: .venv/bin/python docs/screenshots.py [--out docs/screenshots]

What it does, with nothing but the project's own files and Debian's Chromium:

1. migrates a new SQLite database in a temporary folder and loads the demo campus (``seed_demo``);
2. gives the demo superuser a one-off random password (never printed, gone with the folder);
3. serves the portal on a free port on 127.0.0.1 (``runserver --noreload``);
4. signs in through the real sign-in page and saves each page in ``PAGES`` as a PNG, in English
   and in Simplified Chinese, at the width given (390 px pages are phone-sized).

The images are overwritten on every run; commit them with the change that altered the pages.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

# (file name, path without the language prefix, viewport width, sign in first, the whole page or
# its first screen: the dashboard's first screen holds its headline figures and contents)
PAGES = [
    ("staff-today", "/staff/", 1280, True, True),
    ("staff-dashboard", "/staff/dashboard/", 1280, True, False),
    ("admin-index", "/admin/", 1280, True, True),
    ("home-phone", "/", 390, False, False),
]
LANGUAGES = [("en", "", "en-GB"), ("zh-hans", "/zh-hans", "zh-CN")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _set_password(env: dict, password: str) -> None:
    code = (
        "from django.contrib.auth import get_user_model as g; import sys; "
        "u = g().objects.get(username='admin'); u.set_password(sys.stdin.read()); u.save()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        input=password,
        text=True,
        stdout=subprocess.DEVNULL,
    )


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The server stopped before it answered.")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/healthz", timeout=2):
            return
        time.sleep(0.3)
    raise SystemExit(f"The server did not answer on {base} within {seconds:.0f} s.")


def _shoot(base: str, out: Path, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for code, prefix, locale in LANGUAGES:
            # The browser's own locale too, so date fields read as people in that language see them.
            signed_in = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
            page = signed_in.new_page()
            page.goto(f"{base}/admin/login/")
            page.fill("#id_username", "admin")
            page.fill("#id_password", password)
            page.click("[type=submit]")
            page.wait_for_load_state()
            anonymous = browser.new_context(
                viewport={"width": 390, "height": 844}, locale=locale, device_scale_factor=2
            )
            for name, path, width, needs_sign_in, full_page in PAGES:
                tab = page if needs_sign_in else anonymous.new_page()
                tab.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
                response = tab.goto(f"{base}{prefix}{path}")
                if response is None or response.status != 200:
                    raise SystemExit(f"{prefix}{path} answered {response and response.status}, not 200.")
                target = out / f"{name}.{code}.png"
                tab.screenshot(path=str(target), full_page=full_page)
                written.append(target)
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3",
            "PRIVATE_MEDIA_ROOT": f"{folder}/private",
            "DJANGO_SETTINGS_MODULE": "portal.settings.development",
        }
        env.pop("REDIS_URL", None)
        _manage(env, "migrate", "--no-input")
        _manage(env, "seed_demo")
        password = secrets.token_urlsafe(24)
        _set_password(env, password)

        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(base, server)
            for path in _shoot(base, out, password):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
