"""The data generator behind bench/: counts, reproducibility, and lists that cost the same at any size."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Max
from django.test.utils import CaptureQueriesContext

from campus.models import Allocation, Space
from partners.models import Referral, WebhookDelivery
from portal.generate import generate
from residents.choices import LeaseState, MemberRole
from residents.models import Booking, Invoice, InvoiceSequence, Lease, Membership, Payment, Resource
from residents.rent import lease_month_amounts
from tenants.choices import CompanyStatus
from tenants.models import Application, ApplicationTransition, Company
from tests.partners.factories import PartnerFactory, client_with, token_for

ANCHOR = dt.date(2026, 6, 30)


class Rollback(Exception):
    pass


def within_rollback(work):
    """Run ``work`` on a generated set inside a savepoint that is then rolled back; return its result."""
    result = None
    try:
        with transaction.atomic():
            result = work()
            raise Rollback
    except Rollback:
        return result


def fingerprint() -> dict:
    return {
        "companies": list(Company.objects.order_by("slug").values_list("slug", "name", "country", "status")),
        "codes": list(Company.objects.order_by("slug").values_list("business_area_codes", "focus_area_codes")),
        "applications": list(Application.objects.order_by("company__slug").values_list("status", "submitted_at")),
        "allocations": list(
            Allocation.objects.order_by("space__code", "starts_on").values_list("space__code", "starts_on", "ends_on")
        ),
        "leases": list(
            Lease.objects.order_by("company__slug").values_list("company__slug", "state", "starts_on", "rent_rate")
        ),
        "invoices": list(
            Invoice.objects.order_by("campus__slug", "year", "number").values_list("lease__company__slug", "total")
        ),
        "payments": list(Payment.objects.order_by("company__slug", "received_on").values_list("amount", "received_on")),
        "people": list(
            Membership.objects.order_by("user__username").values_list("user__username", "company__slug", "role")
        ),
        "bookings": list(
            Booking.objects.order_by("resource__campus__slug", "resource__name", "starts_at").values_list(
                "company__slug", "starts_at", "ends_at", "status"
            )
        ),
    }


@pytest.mark.django_db
def test_small_set_has_every_kind_of_row():
    call_command("generate_data", "--seed", "7", "--scale", "0.002", "--anchor", ANCHOR.isoformat())

    assert Company.objects.count() == 200 and Company.objects.residents().count() == 40
    assert Application.objects.count() == 200 and ApplicationTransition.objects.exists()
    assert Space.objects.count() == 40 and Allocation.objects.count() == 100
    assert Referral.objects.count() == 20 and WebhookDelivery.objects.count() == 200
    # Every resident's application is approved; allocations go to residents only.
    assert not Application.objects.filter(company__status=CompanyStatus.RESIDENT).exclude(status="approved").exists()
    assert not Allocation.objects.exclude(company__status=CompanyStatus.RESIDENT).exists()
    # The codes the directory reads agree with the join rows.
    for company in Company.objects.prefetch_related("business_areas", "focus_areas")[:20]:
        assert company.business_area_codes == [a.code for a in company.business_areas.all()]
        assert company.focus_area_codes == [a.code for a in company.focus_areas.all()]
    # And so do the gas codes the partner API's space list reads.
    spaces = Space.objects.prefetch_related("gases")
    assert any(space.gas_codes for space in spaces)
    for space in spaces:
        assert space.gas_codes == [gas.code for gas in space.gases.all()]

    _after_move_in_holds_together()

    with pytest.raises(CommandError, match="already holds"):
        call_command("generate_data", "--seed", "7", "--scale", "0.002")


def _after_move_in_holds_together():
    """Leases, invoices, payments, people and bookings are as the services would leave them."""
    leases = Lease.objects.prefetch_related("allocations")
    assert leases.count() >= 30 and leases.filter(state=LeaseState.ACTIVE).count() > leases.count() / 2
    for lease in leases:
        [allocation] = lease.allocations.all()
        assert allocation.company_id == lease.company_id and lease.campus_id == lease.company.campus_id
        assert (allocation.starts_on, allocation.ends_on) == (lease.starts_on, lease.ends_on)
    # A month's invoice holds what the rent rule works out for it.
    for invoice in Invoice.objects.select_related("lease").prefetch_related("lines")[:40]:
        rule = lease_month_amounts(invoice.lease, invoice.period)
        assert [(line.kind, line.net.amount, line.tax.amount) for line in rule] == [
            (line.kind, line.net, line.tax) for line in invoice.lines.all()
        ]
        assert invoice.total == sum(line.net + line.tax for line in invoice.lines.all())
    # Numbers: no clash, and the sequence holds the last one given.
    last = Invoice.objects.values("campus", "year").annotate(last=Max("number"), count=Count("pk"))
    assert all(row["last"] == row["count"] for row in last)
    assert {(s.campus_id, s.year, s.last_number) for s in InvoiceSequence.objects.all()} == {
        (row["campus"], row["year"], row["last"]) for row in last
    }
    settled = Invoice.objects.with_settlement(ANCHOR)
    assert settled.filter(open_amount=0).count() > settled.open().count() > 0
    assert settled.overdue(ANCHOR).exists() and settled.open().count() > settled.overdue(ANCHOR).count()
    # The stored settlement day agrees with the ledger: empty exactly on the invoices still owed.
    assert set(Invoice.objects.unsettled().values_list("pk", flat=True)) == set(
        settled.open().values_list("pk", flat=True)
    )
    # Every leased company has its people, an admin among them.
    assert Membership.objects.admins().count() == leases.count()
    assert User.objects.get(username="gen-user-000001").membership.role == MemberRole.ADMIN
    # Bookings of a resource never overlap and the first user's company has some.
    for resource in Resource.objects.all():
        live = list(resource.bookings.order_by("starts_at").values_list("starts_at", "ends_at"))
        assert all(end <= start for (_s, end), (start, _e) in itertools.pairwise(live))
    assert Booking.objects.filter(booked_by__username="gen-user-000001").exists()


@pytest.mark.django_db
def test_same_seed_same_rows_other_seed_other_rows():
    def run(seed):
        return within_rollback(
            lambda: (generate(seed=seed, scale=0.002, anchor=ANCHOR, log=lambda _: None), fingerprint())[1]
        )

    first, again, other = run(7), run(7), run(8)

    assert first["companies"] and first == again
    assert other != first


def _count(client, path: str) -> int:
    """The statements of a page once what it keeps in the cache is there (a token, filter choices)."""
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


@pytest.mark.django_db
def test_lists_cost_the_same_at_any_size_and_page_size(staff_client):
    partner = PartnerFactory(slug="counting")
    api = client_with(token_for(partner))
    api.get("/api/v1/me/")  # the token is now cached, as for a partner polling the API
    day = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    api_lists = {
        "companies": "/api/v1/companies/?page_size={}",
        "spaces": f"/api/v1/spaces/?available_on={day}&page_size={{}}",
        "referrals": "/api/v1/referrals/?page_size={}",
    }
    pages = {"residents": "/residents/", "admin applications": "/admin/tenants/application/"}

    def measure(scale: float):
        def work():
            generate(seed=3, scale=scale, anchor=ANCHOR, log=lambda _: None)
            Referral.objects.update(partner=partner)
            sizes = (Company.objects.residents().count(), Referral.objects.count())
            counts = {name: {n: _count(api, path.format(n)) for n in (50, 200)} for name, path in api_lists.items()}
            counts.update({name: _count(staff_client, path) for name, path in pages.items()})
            return sizes, counts

        return within_rollback(work)

    (few_residents, few_referrals), small = measure(0.0001)
    (residents, referrals), large = measure(0.003)

    assert few_residents < 5 and residents > 50 and referrals > few_referrals
    assert small == large
    for name in api_lists:
        assert large[name][50] == large[name][200], name
    assert large["companies"][50] == 1  # token cached, no COUNT, area codes on the row
