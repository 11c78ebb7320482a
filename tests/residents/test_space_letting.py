"""Staff find the spaces that match an application over its whole period, and allocate one to an
approved company with its draft lease in one step, from the application's admin page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from campus.models import Allocation
from residents.choices import LeaseState
from residents.models import Lease
from tenants.choices import ApplicationStatus as S
from tests.campus.factories import AllocationFactory, SpaceFactory
from tests.personas import staff_in_role
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

START = dt.date(2030, 1, 1)


def wanting(status=S.SCREENING, *, area="100", months=12, **needs):
    """An application for a laboratory of ``area`` m² from 1 January 2030 for ``months`` months."""
    return ApplicationFactory(
        status=status,
        space_kind="laboratory",
        space_area_m2=Decimal(area) if area else None,
        space_from=START,
        space_months=months,
        **needs,
    )


def space(application, code, area="200"):
    return SpaceFactory(building__campus=application.campus, code=code, area_m2=Decimal(area))


def page(client, application) -> str:
    response = client.get(reverse("admin:tenants_application_change", args=[application.pk]))
    assert response.status_code == 200
    return response.content.decode()


def offered(html: str) -> list[str]:
    """The codes of the spaces listed as matching, in the page's order."""
    return re.findall(r'class="form-row matching-space">\s*<a href="[^"]+">[^<]*-(\w+)</a>', html)


def let_url(application, space) -> str:
    return f"{reverse('residents:staff_space_let', args=[application.pk])}?space={space.pk}"


def test_a_space_taken_within_the_requested_period_is_not_offered(staff_client):
    application = wanting(months=12)
    space(application, "FREE")
    later = space(application, "LATER")
    AllocationFactory(space=later, starts_on=dt.date(2030, 3, 15), ends_on=dt.date(2030, 6, 30))
    after = space(application, "AFTER")
    AllocationFactory(space=after, starts_on=dt.date(2031, 1, 1), ends_on=None)

    html = page(staff_client, application)

    assert offered(html) == ["AFTER", "FREE"] or offered(html) == ["FREE", "AFTER"]
    assert "LATER" not in offered(html)


def test_without_a_duration_the_space_must_stay_free_from_the_start_on(staff_client):
    application = wanting(months=None)
    space(application, "FREE")
    taken = space(application, "LATER")
    AllocationFactory(space=taken, starts_on=dt.date(2034, 1, 1), ends_on=None)

    assert offered(page(staff_client, application)) == ["FREE"]


def test_spaces_too_small_are_left_out_and_the_closest_fit_comes_first(staff_client):
    application = wanting(area="100")
    space(application, "SMALL", area="80")
    space(application, "LARGE", area="400")
    space(application, "SNUG", area="120")

    assert offered(page(staff_client, application)) == ["SNUG", "LARGE"]


def test_approved_application_keeps_its_matches_until_the_company_has_space(staff_client):
    application = wanting(S.APPROVED)
    chosen = space(application, "GOOD")

    html = page(staff_client, application)
    assert offered(html) == ["GOOD"]
    assert let_url(application, chosen).replace("?", "?").split("?")[0] in html

    AllocationFactory(space=chosen, company=application.company, starts_on=START, ends_on=dt.date(2030, 12, 31))
    html = page(staff_client, application)
    assert offered(html) == []
    assert "Space allocated to the company" in html and str(chosen) in html


def test_allocating_makes_the_allocation_and_a_draft_lease_once(staff_client):
    application = wanting(S.APPROVED, area="100", months=12)
    chosen = space(application, "GOOD", area="150")

    form = staff_client.get(let_url(application, chosen))
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert (initial["starts_on"], initial["ends_on"], initial["area_m2"]) == (
        START,
        dt.date(2030, 12, 31),
        Decimal("100"),
    )
    data = {
        "submission": form.context["form"]["submission"].value(),
        "space": chosen.pk,
        "starts_on": "2030-01-01",
        "ends_on": "2030-12-31",
        "area_m2": "100",
    }
    first = staff_client.post(let_url(application, chosen), data)
    again = staff_client.post(let_url(application, chosen), data)

    lease = Lease.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("admin:residents_lease_change", args=[lease.pk])
    assert again.status_code == 302 and again["Location"] == first["Location"]
    allocation = Allocation.objects.get()
    assert (allocation.space, allocation.company, allocation.area_m2) == (chosen, application.company, Decimal("100"))
    assert (allocation.starts_on, allocation.ends_on) == (START, dt.date(2030, 12, 31))
    assert lease.state == LeaseState.DRAFT and list(lease.allocations.all()) == [allocation]
    assert lease.company == application.company and lease.ends_on == dt.date(2030, 12, 31)
    # The lease's admin page, where the rates are set, opens.
    assert staff_client.get(first["Location"]).status_code == 200


def test_a_space_taken_meanwhile_is_refused_with_the_reason_and_the_input_kept(staff_client):
    application = wanting(S.APPROVED)
    chosen = space(application, "GOOD")
    form = staff_client.get(let_url(application, chosen))
    AllocationFactory(space=chosen, starts_on=dt.date(2030, 6, 1), ends_on=None)

    response = staff_client.post(
        let_url(application, chosen),
        {
            "submission": form.context["form"]["submission"].value(),
            "space": chosen.pk,
            "starts_on": "2030-01-01",
            "ends_on": "2030-11-30",
            "area_m2": "90",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    # The allocation rule's own refusal (the space's name and the company already there), on the page.
    assert 'class="errorlist' in html and str(chosen) in html
    assert 'value="2030-11-30"' in html and 'value="90"' in html
    assert not Lease.objects.exists() and Allocation.objects.count() == 1


def test_staff_who_may_not_add_allocations_neither_see_nor_use_the_link(client):
    application = wanting(S.APPROVED)
    chosen = space(application, "GOOD")
    client.force_login(staff_in_role("screening_officer"))

    html = page(client, application)
    assert offered(html) == ["GOOD"]
    assert "Allocate and prepare the lease" not in html
    assert client.get(let_url(application, chosen)).status_code == 403
    data = {"space": chosen.pk, "starts_on": "2030-01-01", "ends_on": "2030-12-31"}
    assert client.post(let_url(application, chosen), data).status_code == 403
    assert not Allocation.objects.exists()


def test_only_approved_applications_and_their_campus_spaces_can_be_allocated(staff_client):
    screening = wanting(S.SCREENING)
    approved = wanting(S.APPROVED)
    elsewhere = SpaceFactory()

    assert "Allocate and prepare the lease" not in page(staff_client, screening)
    assert staff_client.get(let_url(screening, space(screening, "A"))).status_code == 404
    assert staff_client.get(let_url(approved, elsewhere)).status_code == 404


def test_the_allocation_is_posted_with_its_csrf_token(staff_user):
    application = wanting(S.APPROVED)
    chosen = space(application, "GOOD")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff_user)

    data = {"space": chosen.pk, "starts_on": "2030-01-01", "ends_on": "2030-12-31"}
    assert browser.post(let_url(application, chosen), data).status_code == 403
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("count", [1, 30])
def test_the_application_page_runs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries, count):
    application = wanting(S.APPROVED)
    for n in range(count):
        taken = space(application, f"S{n}", area=str(150 + n))
        if n % 3 == 1:
            AllocationFactory(space=taken, starts_on=dt.date(2030, 2, 1), ends_on=dt.date(2030, 3, 1))

    with django_assert_max_num_queries(18):
        html = page(staff_client, application)
    assert len(offered(html)) == count - len(range(1, count, 3))


def test_the_confirmation_page_opens_in_chinese(staff_client):
    application = wanting(S.APPROVED)
    chosen = space(application, "GOOD")

    response = staff_client.get(f"/zh-hans{let_url(application, chosen)}")

    assert response.status_code == 200
    assert 'lang="zh-Hans"' in response.content.decode()
