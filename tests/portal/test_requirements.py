"""Installs are reproducible: the lock files pin every package, transitive ones too, with hashes,
and agree with the pins people edit in requirements*.txt (`make lock` rewrites them)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def _pins(filename: str) -> dict[str, str]:
    """The ``name==version`` lines of a requirements or lock file (not following ``-r``)."""
    pins = {}
    for line in (settings.BASE_DIR / filename).read_text().splitlines():
        match = _PIN.match(line)
        if match:
            pins[_name(match[1])] = match[2]
    return pins


def _entries(filename: str) -> dict[str, str]:
    """Each locked package and its whole entry (version, marker, hashes)."""
    text = (settings.BASE_DIR / filename).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    return {_name(_PIN.match(block)[1]): block for block in blocks if _PIN.match(block)}


@pytest.mark.parametrize(
    ("lock", "inputs"),
    [
        ("requirements.lock", ["requirements.txt"]),
        ("requirements-dev.lock", ["requirements.txt", "requirements-dev.txt"]),
    ],
)
def test_every_pin_people_edit_is_in_the_lock_at_the_same_version(lock, inputs):
    locked = _pins(lock)
    wanted = {name: version for filename in inputs for name, version in _pins(filename).items()}

    stale = {name: (version, locked.get(name)) for name, version in wanted.items() if locked.get(name) != version}
    assert not stale, f"run `make lock`: (wanted, locked) = {stale}"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_carries_its_hashes(lock):
    entries = _entries(lock)

    assert len(entries) > len(_pins(lock.replace(".lock", ".txt")))  # transitive packages are pinned too
    assert not [name for name, entry in entries.items() if "--hash=sha256:" not in entry]


def test_the_runtime_lock_holds_the_same_versions_as_the_dev_lock():
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")

    assert set(runtime) <= set(dev)
    assert {name: version for name, version in runtime.items() if dev[name] != version} == {}
