"""Fixtures of the residents' tests: staff who work service requests, and e-mails sent after commit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client

from tests.personas import staff_in_role

CAMPUS_STAFF = ["desk@campus.example.org", "ops@campus.example.org"]


@dataclass
class Staff:
    client: Client
    user: object


@pytest.fixture
def campus_staff(campus):
    """The campus lists who hears of new requests and escalations."""
    campus.staff_emails = "\n".join(CAMPUS_STAFF)
    campus.save(update_fields=["staff_emails"])
    return CAMPUS_STAFF


def signed_in(user) -> Staff:
    client = Client()
    client.force_login(user)
    return Staff(client=client, user=user)


@pytest.fixture
def desk(db):
    """A service-desk staff member, signed in: works the queue."""
    user = staff_in_role("service_desk", "desk")
    user.first_name, user.last_name = "Dee", "Desk"
    user.save(update_fields=["first_name", "last_name"])
    return signed_in(user)


@pytest.fixture
def auditor(db):
    return signed_in(staff_in_role("auditor"))


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run ``action()`` with its after-commit e-mails sent; returns (result, the e-mails it sent)."""

    def run(action):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result, mail.outbox[before:]

    return run


@pytest.fixture
def finance(db):
    """A finance staff member, signed in: records payments and imports bank statements."""
    user = staff_in_role("finance", "fin")
    user.first_name, user.last_name = "Fay", "Nance"
    user.save(update_fields=["first_name", "last_name"])
    return signed_in(user)
