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


def test_the_demo_invoices_every_month_of_its_leases_in_number_order_once(django_capture_on_commit_callbacks):
    from django.utils import timezone

    from residents.demo import invoices as demo_invoices
    from residents.models import Invoice

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--no-admin", verbosity=0)
    campus = Campus.objects.get()
    residents = list(Company.objects.residents().filter(campus=campus))

    assert demo_invoices.seed(campus, residents) == 0
    invoices = list(Invoice.objects.order_by("year", "number"))
    # Three months back, this month too: four invoices a lease, issued month by month in order.
    assert len(invoices) == 4 * Lease.objects.count()
    assert [invoice.issued_on for invoice in invoices] == sorted(invoice.issued_on for invoice in invoices)
    assert invoices[-1].period == timezone.localdate().replace(day=1)
    assert invoices[0].display_number.startswith(f"ICW-{invoices[0].year}-0000")
    # Incubation support: the first months' rent is waived in full, the service charge is not.
    first = invoices[0]
    assert first.lines.get(kind="subsidy").net == -first.lines.get(kind="rent").net
    assert first.total > 0


def test_the_demo_pays_its_invoices_but_one_resident_is_in_arrears(django_capture_on_commit_callbacks):
    from django.utils import timezone

    from residents.demo import invoices as demo_invoices
    from residents.models import Invoice, Payment
    from residents.services.ledger import company_balance

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--no-admin", verbosity=0)
    campus = Campus.objects.get()
    residents = sorted(Company.objects.residents().filter(campus=campus), key=lambda company: company.name)
    payments = Payment.objects.count()

    demo_invoices.seed(campus, residents)

    assert Payment.objects.count() == payments > 0  # once
    owing = [company for company in residents if company_balance(company).owed > 0]
    assert owing == [residents[-1]]
    overdue = Invoice.objects.with_settlement().filter(
        company=residents[-1], open_amount__gt=0, due_on__lt=timezone.localdate()
    )
    assert overdue.exists()
