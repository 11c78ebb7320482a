"""The staff "today" page at /staff/: what waits for the signed-in staff member, each count linking to its list."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from advisory.models import REVIEW_DAYS, Review
from residents.choices import BookingStatus, LeaseState
from residents.models import Lease, ServiceRequest
from tenants.services.onboarding import onboarding_start
from tests.advisory.factories import AdvisoryMemberFactory
from tests.personas import staff_in_role
from tests.residents.billing_setup import invoiced
from tests.residents.leases_setup import leased
from tests.residents.requests_setup import raised
from tests.residents.staff_bookings_setup import a_resource, booked
from tests.tenants.factories import ApplicationFactory, CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(campus, resident_member, staff_user):
    """Two applications to screen and one to decide; one overdue review among fresh, submitted and
    recused ones; an overdue onboarding plan; a request past target; an overdue invoice; a lease
    ending; a booking waiting for approval."""
    ApplicationFactory(campus=campus, company__campus=campus, status="submitted")
    ApplicationFactory(campus=campus, company__campus=campus, status="screening")
    deciding = ApplicationFactory(campus=campus, company__campus=campus, status="committee_review")
    now = timezone.now()
    old = now - dt.timedelta(days=REVIEW_DAYS + 1)
    for assigned_at, fields in [
        (old, {}),
        (now - dt.timedelta(days=1), {}),
        (old, {"submitted_at": now, "has_conflict": False}),
        (old, {"has_conflict": True, "conflict_note": "My brother's company."}),
    ]:
        member = AdvisoryMemberFactory(committee__campus=campus)
        Review.objects.create(application=deciding, member=member, assigned_at=assigned_at, **fields)
    approved = ApplicationFactory(campus=campus, company__campus=campus, status="approved")
    onboarding_start(application=approved, approved_on=dt.date(2025, 1, 6))
    late = raised(resident_member)
    ServiceRequest.objects.filter(pk=late.pk).update(response_due_at=now - dt.timedelta(hours=1))
    raised(resident_member, subject="Not late yet")
    invoiced(resident_member.company, first=dt.date(2026, 1, 1), starts_on=dt.date(2026, 1, 1))
    ending = leased(CompanyFactory(campus=campus))
    Lease.objects.filter(pk=ending.pk).update(state=LeaseState.ENDING)
    resource = a_resource(campus, approval_required=True)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    booked(resource, resident_member, tomorrow, 10, status=BookingStatus.REQUESTED)
    return campus


def _needs(response) -> dict[str, tuple[str, str]]:
    """Each line of the page by its key: (text, link)."""
    assert response.status_code == 200
    html = response.content.decode()
    lines = re.findall(r'<li id="need-([a-z_]+)">\s*<a href="([^"]+)">([^<]+)</a>', html)
    return {key: (text, unescape(href)) for key, href, text in lines}


def test_a_superuser_sees_every_queue_with_its_count(staff_client, world):
    needs = _needs(staff_client.get("/staff/"))

    assert {key: text for key, (text, _link) in needs.items()} == {
        "applications_to_screen": "2 applications waiting for screening",
        "applications_to_decide": "1 application waiting for a decision",
        "reviews_overdue": "1 review overdue",
        "onboarding_overdue": f"{approved_tasks()} onboarding tasks overdue",
        "requests_past_target": "1 service request past target",
        "invoices_overdue": "1 invoice overdue",
        "leases_ending": "1 lease ending soon",
        "bookings_waiting": "1 booking waiting for approval",
    }


def approved_tasks() -> int:
    from tenants.models import OnboardingTask

    return OnboardingTask.objects.overdue().count()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("screening_officer", {"applications_to_screen", "applications_to_decide", "onboarding_overdue"}),
        ("finance", {"invoices_overdue", "leases_ending"}),
        ("service_desk", {"requests_past_target"}),
        ("facility_manager", {"bookings_waiting"}),
        ("front_desk", {"bookings_waiting"}),
        ("space_manager", set()),
        ("auditor", set()),
    ],
)
def test_each_role_sees_the_queues_it_works_on(client, world, role, expected):
    client.force_login(staff_in_role(role))

    assert set(_needs(client.get("/staff/"))) == expected


def test_each_count_links_to_a_list_showing_exactly_those_rows(staff_client, world):
    needs = _needs(staff_client.get("/staff/"))

    for key, admin_count in [
        ("applications_to_screen", 2),
        ("applications_to_decide", 1),
        ("onboarding_overdue", approved_tasks()),
        ("invoices_overdue", 1),
        ("leases_ending", 1),
        ("bookings_waiting", 1),
    ]:
        listed = staff_client.get(needs[key][1])
        assert listed.status_code == 200, key
        assert listed.context["cl"].result_count == admin_count, key
    queue = staff_client.get(needs["requests_past_target"][1])
    assert [row.subject for row in queue.context["page"]] == ["Leaking tap in lab 3-12"]
    reviews = staff_client.get(needs["reviews_overdue"][1]).context["cl"].result_list
    # Submitted and fresh reviews are left out, and so is a member who stepped aside for a conflict.
    assert {(r.submitted_at, r.has_conflict) for r in reviews} == {(None, None)}


def test_nothing_waiting_says_so(staff_client, campus):
    page = staff_client.get("/staff/").content.decode()

    assert "Nothing needs you today." in page
    assert 'href="/staff/dashboard/"' in page


def test_the_page_speaks_chinese(staff_client, world):
    page = staff_client.get("/zh-hans/staff/").content.decode()

    assert '<html lang="zh-Hans"' in page
    assert 'href="/zh-hans/admin/tenants/application/?status__in=submitted%2Cscreening"' in page


@pytest.mark.parametrize("copies", [1, 3])
def test_the_page_runs_a_fixed_number_of_queries(staff_client, world, django_assert_max_num_queries, copies):
    for _copy in range(copies):
        ApplicationFactory(campus=world, company__campus=world, status="submitted")

    with django_assert_max_num_queries(14):
        assert staff_client.get("/staff/").status_code == 200


def test_the_page_is_for_staff_only(client, resident_member):
    assert client.get("/staff/").status_code == 302
    assert resident_member.client.get("/staff/").status_code == 302
