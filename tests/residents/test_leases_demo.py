"""The demo's leases: one running lease with incubation support per first-batch resident, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from campus.models import Campus
from residents.demo import leases as demo_leases
from residents.models import Lease, LeaseTransition
from tenants.models import Company

pytestmark = pytest.mark.django_db


def test_the_demo_leases_the_first_batch_a_space_each_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--no-admin", verbosity=0)  # which leases the first batch their spaces
    campus = Campus.objects.get()
    residents = list(Company.objects.residents().filter(campus=campus).order_by("name"))

    again = demo_leases.seed(campus, residents)

    assert again == []
    assert Lease.objects.count() == len(residents) == LeaseTransition.objects.count() > 0
    lease = Lease.objects.order_by("company__name").first()
    assert lease.state == "active" and lease.subsidies.count() == 2
    assert all(allocation.company == lease.company for allocation in lease.allocations.all())
