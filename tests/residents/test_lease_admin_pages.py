"""Leases from the admin's pages: prepared from an allocation's page with the form filled from it,
then activated, renewed and ended early on each lease's own pages, which refuse on the field at
fault and keep what was typed, and are open to staff who may change leases only."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import formats

from campus.models import Allocation
from residents.choices import LeaseState
from residents.models import Lease
from tests.personas import staff_in_role
from tests.residents.leases_setup import END, START, allocated, leased
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def allocation_page(client, allocation) -> str:
    response = client.get(reverse("admin:campus_allocation_change", args=[allocation.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def link(page: str, text: str) -> str:
    """Where the link reading ``text`` goes (the page is unescaped already)."""
    match = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>', page)
    assert match, f"no link “{text}” on the page"
    return match.group(1)


def field_row(page: str, name: str) -> str:
    """The form row of field ``name`` on a lease's step page: its errors, label and input."""
    match = re.search(rf'<div class="form-row[^"]*field-{name}">(.*?)</div>\s*</div>', page, re.S)
    assert match, f"no field {name}"
    return match.group(1)


def step_url(step: str, lease) -> str:
    return reverse(f"admin:residents_lease_{step}", args=[lease.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rates() -> dict:
    """What the prefilled lease form leaves to staff: the rates and taxes."""
    data = {
        "rent_rate_0": "100.00",
        "rent_rate_1": "CNY",
        "service_charge_rate_0": "20.00",
        "service_charge_rate_1": "CNY",
        "deposit_0": "30000.00",
        "deposit_1": "CNY",
        "escalation_percent": "0",
        "rent_tax_percent": "9",
        "service_tax_percent": "6",
        "notes": "",
    }
    for inline in ("subsidies", "transitions", "alerts"):
        data |= {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    return data


# --- From the allocation's page ------------------------------------------------------------------


def test_an_allocation_without_a_lease_links_to_the_lease_form_filled_from_it(staff_client, resident_company):
    allocation = allocated(resident_company)

    page = allocation_page(staff_client, allocation)

    assert "No lease covers this allocation." in page
    url = link(page, "Create a lease for this allocation")
    assert urlsplit(url).path == reverse("admin:residents_lease_add")
    assert parse_qs(urlsplit(url).query) == {
        "company": [str(resident_company.pk)],
        "allocations": [str(allocation.pk)],
        "starts_on": ["2026-01-01"],
        "ends_on": ["2027-12-31"],
    }
    form = html.unescape(staff_client.get(url).content.decode())
    assert re.search(rf'<option value="{resident_company.pk}" selected>Helix Therapeutics</option>', form)
    assert re.search(rf'<option value="{allocation.pk}" selected>{re.escape(str(allocation))}</option>', form)
    assert re.search(r'name="starts_on" value="2026-01-01"', form)
    assert re.search(r'name="ends_on" value="2027-12-31"', form)


def test_a_lease_created_from_the_allocation_is_then_activated_from_its_page(
    staff_client, staff_user, resident_company
):
    allocation = allocated(resident_company)
    url = link(allocation_page(staff_client, allocation), "Create a lease for this allocation")
    prefilled = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}

    response = staff_client.post(url, prefilled | rates())

    assert response.status_code == 302, response.content.decode()[:3000]
    lease = Lease.objects.get()
    assert (lease.company, lease.starts_on, lease.ends_on, lease.state) == (
        resident_company,
        START,
        END,
        LeaseState.DRAFT,
    )
    assert list(lease.allocations.all()) == [allocation]

    page = allocation_page(staff_client, allocation)
    assert "Create a lease for this allocation" not in page and f"{lease}</a> · Draft" in page
    activate = link(page, "Activate")
    assert "Activate" in staff_client.get(activate).content.decode()
    lease.refresh_from_db()
    assert lease.state == LeaseState.DRAFT  # showing the page changed nothing

    response = staff_client.post(activate, {"reason": "Signed on 20 December"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:residents_lease_change", args=[lease.pk])
    assert messages_of(response) == ["The lease of Helix Therapeutics is active."]
    lease.refresh_from_db()
    assert lease.state == LeaseState.ACTIVE
    assert (lease.transitions.get().actor, lease.transitions.get().reason) == (staff_user, "Signed on 20 December")


def test_a_lease_offers_the_steps_its_state_allows_on_its_page(staff_client, resident_company):
    draft, running = leased(resident_company, active=False), leased(resident_company)

    def tools(lease) -> str:
        page = staff_client.get(reverse("admin:residents_lease_change", args=[lease.pk])).content.decode()
        return page.split('<ul class="object-tools">')[1].split("</ul>")[0]

    assert f'href="{step_url("activate", draft)}"' in tools(draft) and "Renew" not in tools(draft)
    assert f'href="{step_url("renew", running)}">Renew' in tools(running)
    assert f'href="{step_url("terminate", running)}">Terminate early' in tools(running)
    assert "Activate" not in tools(running)


# --- Renewing -------------------------------------------------------------------------------------


def test_renewing_from_the_allocations_page_extends_the_lease_and_its_allocations(
    staff_client, staff_user, resident_company
):
    lease = leased(resident_company)
    allocation = lease.allocations.get()
    page = allocation_page(staff_client, allocation)
    assert f"{lease}</a> · Active" in page
    renew = link(page, "Renew")
    assert renew == step_url("renew", lease)
    assert 'name="ends_on"' in staff_client.get(renew).content.decode()

    response = staff_client.post(renew, {"ends_on": "2029-12-31", "reason": "Phase II trial"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:residents_lease_change", args=[lease.pk])
    end = dt.date(2029, 12, 31)
    assert messages_of(response) == [f"The lease of Helix Therapeutics now runs until {formats.date_format(end)}."]
    lease.refresh_from_db()
    allocation.refresh_from_db()
    assert (lease.ends_on, allocation.ends_on) == (end, end)
    renewal = lease.transitions.latest("pk")
    assert renewal.actor == staff_user and renewal.reason.endswith("Phase II trial")


def test_a_renewal_refused_as_the_space_is_taken_shows_on_the_date_and_keeps_it(staff_client, resident_company):
    lease = leased(resident_company)
    space = lease.allocations.get().space
    Allocation.objects.create(
        space=space,
        company=CompanyFactory(campus=resident_company.campus, name="Nordic Biologics"),
        starts_on=dt.date(2028, 3, 1),
        ends_on=dt.date(2029, 2, 28),
        area_m2=space.area_m2,
    )

    response = staff_client.post(step_url("renew", lease), {"ends_on": "2028-12-31", "reason": "Phase II"})

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    row = field_row(page, "ends_on")
    assert f"Space {space} is taken after the lease's end" in row and "Nordic Biologics" in row
    assert 'value="2028-12-31"' in row
    assert "Phase II</textarea>" in page
    lease.refresh_from_db()
    assert lease.ends_on == END and lease.allocations.get().ends_on == END


def test_the_same_renewal_sent_twice_extends_once_and_says_so(staff_client, resident_company):
    lease = leased(resident_company)
    data = {"ends_on": "2029-12-31", "reason": ""}

    assert staff_client.post(step_url("renew", lease), data).status_code == 302
    again = staff_client.post(step_url("renew", lease), data)

    assert again.status_code == 200
    end = formats.date_format(dt.date(2029, 12, 31))
    assert f"The lease already runs until {end}; a renewal ends after that day." in field_row(
        html.unescape(again.content.decode()), "ends_on"
    )
    lease.refresh_from_db()
    assert lease.ends_on == dt.date(2029, 12, 31)
    assert lease.transitions.filter(reason__startswith="Renewed").count() == 1


# --- Terminating -------------------------------------------------------------------------------


def test_terminating_early_needs_a_reason_then_ends_the_lease_and_its_allocations(staff_client, resident_company):
    lease = leased(resident_company)
    terminate = link(allocation_page(staff_client, lease.allocations.get()), "Terminate early")

    refused = staff_client.post(terminate, {"terminated_on": "2026-09-30", "reason": "  "})

    assert refused.status_code == 200
    page = html.unescape(refused.content.decode())
    assert "Say why the lease ends early." in field_row(page, "reason")
    assert 'value="2026-09-30"' in field_row(page, "terminated_on")
    lease.refresh_from_db()
    assert lease.state == LeaseState.ACTIVE

    done = staff_client.post(terminate, {"terminated_on": "2026-09-30", "reason": "Moved to Shanghai"}, follow=True)

    day = dt.date(2026, 9, 30)
    assert messages_of(done) == [f"The lease of Helix Therapeutics ends early on {formats.date_format(day)}."]
    lease.refresh_from_db()
    assert (lease.state, lease.terminated_on, lease.termination_reason) == (
        LeaseState.TERMINATED,
        day,
        "Moved to Shanghai",
    )
    assert lease.allocations.get().ends_on == day


def test_a_lease_in_another_currency_than_the_company_is_billed_in_is_not_activated(
    staff_client, resident_company, resident_finance
):
    """A company's balance adds up its invoices and payments: one currency per company, or the
    page would say it owes CNY and USD added together."""
    from tests.residents.billing_setup import invoiced

    invoiced(resident_company)  # billed in CNY
    draft = leased(resident_company, area="10", active=False, rent="14", service="3", currency="USD")

    response = staff_client.post(step_url("activate", draft), {"reason": "Signed"})

    assert response.status_code == 200
    assert "billed in CNY" in html.unescape(response.content.decode())
    draft.refresh_from_db()
    assert draft.state == LeaseState.DRAFT
    assert "$" not in resident_finance.client.get("/my/invoices/").content.decode()


def test_a_day_outside_the_term_is_refused_on_the_day_field(staff_client, resident_company):
    lease = leased(resident_company)

    response = staff_client.post(step_url("terminate", lease), {"terminated_on": "2030-01-31", "reason": "Late"})

    row = field_row(html.unescape(response.content.decode()), "terminated_on")
    assert "The last day of a terminated lease lies within its term" in row and 'value="2030-01-31"' in row


def test_a_terminated_lease_offers_no_step_and_refuses_one_sent_anyway(staff_client, resident_company):
    lease = leased(resident_company)
    staff_client.post(step_url("terminate", lease), {"terminated_on": "2026-09-30", "reason": "Moved"})

    page = html.unescape(staff_client.get(step_url("renew", lease)).content.decode())
    assert "This lease is “Terminated”: it cannot take this step." in page and 'name="ends_on"' not in page
    assert "Create a lease for this allocation" in allocation_page(staff_client, lease.allocations.get())

    response = staff_client.post(step_url("renew", lease), {"ends_on": "2029-12-31"})

    assert "Only a running lease can be renewed; this one is “Terminated”." in html.unescape(response.content.decode())
    lease.refresh_from_db()
    assert lease.ends_on == END


# --- Who may --------------------------------------------------------------------------------------


def test_staff_who_may_only_read_leases_see_the_lease_but_get_403_on_its_steps(resident_company):
    lease = leased(resident_company)
    auditor = signed_in(staff_in_role("auditor"))

    page = allocation_page(auditor, lease.allocations.get())
    assert f"{lease}</a> · Active" in page and "Renew" not in page
    for step in ("renew", "terminate", "activate"):
        assert auditor.get(step_url(step, lease)).status_code == 403
    assert auditor.post(step_url("renew", lease), {"ends_on": "2029-12-31"}).status_code == 403
    assert auditor.post(step_url("terminate", lease), {"terminated_on": "2026-09-30", "reason": "x"}).status_code == 403
    lease.refresh_from_db()
    assert (lease.state, lease.ends_on) == (LeaseState.ACTIVE, END)


def test_space_managers_see_allocations_without_the_lease_panel(resident_company):
    lease = leased(resident_company)
    manager = signed_in(staff_in_role("space_manager"))

    page = allocation_page(manager, lease.allocations.get())

    assert "Lease of" not in page and "Create a lease" not in page
    assert manager.get(step_url("renew", lease)).status_code == 403


def test_a_resident_is_sent_to_the_admin_sign_in(resident_admin):
    lease = leased(resident_admin.company)

    for step in ("renew", "terminate", "activate"):
        response = resident_admin.client.post(step_url(step, lease), {"ends_on": "2029-12-31", "reason": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    lease.refresh_from_db()
    assert (lease.state, lease.ends_on) == (LeaseState.ACTIVE, END)


def test_a_step_is_not_taken_without_the_csrf_token(staff_user, resident_company):
    lease = leased(resident_company)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    assert client.post(step_url("renew", lease), {"ends_on": "2029-12-31"}).status_code == 403
    lease.refresh_from_db()
    assert lease.ends_on == END


def test_the_allocation_page_is_campuss_own_with_nothing_plugged_in(staff_client, resident_company):
    from campus.signals import allocation_admin_panels
    from residents.hooks import allocation_lease_panel

    allocation = allocated(resident_company)
    allocation_admin_panels.disconnect(dispatch_uid="residents.allocation_lease_panel")
    try:
        page = allocation_page(staff_client, allocation)
    finally:
        allocation_admin_panels.connect(allocation_lease_panel, dispatch_uid="residents.allocation_lease_panel")

    assert 'name="starts_on"' in page and "Create a lease" not in page and "allocation-lease" not in page
