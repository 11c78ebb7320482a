"""The demo's service requests: made through the services in several states, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from campus.models import Campus
from residents.demo import requests as demo_requests
from residents.models import ServiceRequest, ServiceRequestEvent, ServiceTarget
from tenants.models import Company

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return ServiceRequest.objects.count(), ServiceRequestEvent.objects.count(), ServiceTarget.objects.count()


def test_the_demo_seeds_requests_in_several_states_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--no-admin", verbosity=0)  # which seeds the requests
    campus = Campus.objects.get()
    residents = Company.objects.residents().filter(campus=campus).order_by("name")
    counts = _counts()

    again = demo_requests.seed(campus, residents)

    # Five of this module's, next to the past months' requests of ``requests_history``.
    assert ServiceRequest.objects.filter(subject__in=[spec[1] for spec in demo_requests.REQUESTS]).count() == 5
    assert again == []
    assert _counts() == counts
    assert set(ServiceRequest.objects.values_list("state", flat=True)) == {
        "new",
        "in_progress",
        "waiting",
        "resolved",
        "closed",
    }
    assert ServiceRequest.objects.filter(language="zh-hans").exists()
    assert demo_requests.seed(campus, []) == []
