"""Fixtures of the staff dashboard's tests."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.personas import staff_in_role
from tests.portal.finance_setup import the_example


@pytest.fixture
def billed(campus, resident_company, other_company, staff_user):
    """The finance example of ``finance_setup`` written on ``campus`` (January to March invoiced)."""
    the_example(campus, resident_company, other_company, staff_user)
    return campus


@pytest.fixture
def finance(db):
    """A member of the finance staff, signed in."""
    client = Client()
    client.force_login(staff_in_role("finance"))
    return client
