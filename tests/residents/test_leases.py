"""Leases over HTTP: prepared and moved in the admin through the services, refused with clear
messages, alerted before their end once per threshold, and shown to the company's admins and
finance people in /my/lease/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from campus.models import Allocation
from residents.choices import LeaseState
from residents.models import Lease, LeaseAlert
from residents.services.leases import lease_renew, leases_end_and_alert
from tests.residents.leases_setup import END, allocated, leased
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:residents_lease_changelist"


def act(client, action: str, lease, **fields):
    """Run an admin action on one lease; the messages it left."""
    data = {"action": action, "_selected_action": [lease.pk], "on": "", "reason": "", **fields}
    response = client.post(reverse(CHANGELIST), data, follow=True)
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


def add_form(company, allocations, **overrides) -> dict:
    data = {
        "company": company.pk,
        "allocations": [allocation.pk for allocation in allocations],
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        "rent_rate_0": "100.00",
        "rent_rate_1": "CNY",
        "service_charge_rate_0": "20.00",
        "service_charge_rate_1": "CNY",
        "deposit_0": "30000.00",
        "deposit_1": "CNY",
        "escalation_percent": "3",
        "rent_tax_percent": "9",
        "service_tax_percent": "6",
        "notes": "",
        "subsidies-TOTAL_FORMS": "1",
        "subsidies-INITIAL_FORMS": "0",
        "subsidies-0-from_month": "1",
        "subsidies-0-to_month": "6",
        "subsidies-0-percent": "100",
        "subsidies-0-note": "Incubation support",
    }
    for inline in ("transitions", "alerts"):
        data |= {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    return data | overrides


# --- Preparing and activating -----------------------------------------------------------------


def test_staff_prepare_a_draft_lease_with_rent_free_months_and_activate_it(staff_client, staff_user, resident_company):
    allocation = allocated(resident_company)

    response = staff_client.post(reverse("admin:residents_lease_add"), add_form(resident_company, [allocation]))

    assert response.status_code == 302, response.content.decode()[:3000]
    lease = Lease.objects.get()
    assert (lease.state, lease.campus, lease.created_by) == (LeaseState.DRAFT, resident_company.campus, staff_user)
    assert (lease.rent_rate.amount, str(lease.rent_rate.currency)) == (Decimal("100.00"), "CNY")
    assert lease.subsidies.get().percent == 100
    staff_client.get(reverse(CHANGELIST))  # shows "added"

    assert act(staff_client, "activate", lease) == ["1 lease(s) updated."]

    lease.refresh_from_db()
    transition = lease.transitions.get()
    assert lease.state == LeaseState.ACTIVE
    assert (transition.from_state, transition.to_state, transition.actor) == ("draft", "active", staff_user)


def test_a_lease_of_another_companys_allocation_is_refused_naming_the_space(staff_client, resident_company):
    theirs = allocated(CompanyFactory(campus=resident_company.campus, name="Nordic Biologics"), code="L204")

    response = staff_client.post(reverse("admin:residents_lease_add"), add_form(resident_company, [theirs]))

    assert response.status_code == 200
    assert "L204 is allocated to Nordic Biologics, not to Helix Therapeutics" in response.content.decode()
    assert not Lease.objects.exists()


def test_an_allocation_outside_the_lease_term_is_refused(staff_client, resident_company):
    longer = allocated(resident_company, ends_on=dt.date(2028, 6, 30))

    response = staff_client.post(reverse("admin:residents_lease_add"), add_form(resident_company, [longer]))

    assert "does not lie within the lease&#x27;s term" in response.content.decode()
    assert not Lease.objects.exists()


def test_a_lease_whose_subsidy_outlasts_its_term_is_not_activated(staff_client, resident_company):
    lease = leased(resident_company, subsidies=[(1, 30, Decimal("100"))], active=False)

    assert act(staff_client, "activate", lease) == [
        "Helix Therapeutics: The subsidy of months 1–30 goes past the lease's 24 months."
    ]
    lease.refresh_from_db()
    assert lease.state == LeaseState.DRAFT and not lease.transitions.exists()


def test_an_active_lease_is_not_activated_again(staff_client, resident_company):
    lease = leased(resident_company)

    assert act(staff_client, "activate", lease) == [
        "Helix Therapeutics: Only a draft lease can be activated; this one is “Active”."
    ]
    assert lease.transitions.count() == 1


def test_an_allocation_runs_in_one_live_lease_only(staff_client, resident_company):
    lease = leased(resident_company)
    again = add_form(resident_company, list(lease.allocations.all()))

    response = staff_client.post(reverse("admin:residents_lease_add"), again)

    assert "is already in another lease that runs" in response.content.decode()


def test_an_active_lease_is_read_only_in_the_admin_but_for_its_notes(staff_client, resident_company):
    lease = leased(resident_company)
    page = staff_client.get(reverse("admin:residents_lease_change", args=[lease.pk])).content.decode()
    assert 'name="notes"' in page
    assert 'name="rent_rate_0"' not in page and 'name="subsidies-TOTAL_FORMS"' in page


# --- Renewing -------------------------------------------------------------------------------------


def test_a_renewal_extends_the_lease_and_its_allocations_in_one_step(staff_client, staff_user, resident_company):
    lease = leased(resident_company)

    assert act(staff_client, "renew", lease, on="2029-12-31", reason="Phase II trial") == ["1 lease(s) updated."]

    lease.refresh_from_db()
    assert lease.ends_on == dt.date(2029, 12, 31)
    assert lease.allocations.get().ends_on == dt.date(2029, 12, 31)
    renewal = lease.transitions.latest("pk")
    assert renewal.actor == staff_user
    assert renewal.reason.startswith("Renewed until") and renewal.reason.endswith("Phase II trial")


def test_a_renewal_is_refused_naming_the_space_when_it_is_taken_after_the_end(staff_client, resident_company):
    lease = leased(resident_company)
    space = lease.allocations.get().space
    Allocation.objects.create(
        space=space,
        company=CompanyFactory(campus=resident_company.campus, name="Nordic Biologics"),
        starts_on=dt.date(2028, 3, 1),
        ends_on=dt.date(2029, 2, 28),
        area_m2=space.area_m2,
    )

    messages = act(staff_client, "renew", lease, on="2028-12-31")

    assert len(messages) == 1
    assert f"Space {space} is taken after the lease's end" in messages[0] and "Nordic Biologics" in messages[0]
    lease.refresh_from_db()
    assert lease.ends_on == END and lease.allocations.get().ends_on == END
    assert lease.transitions.count() == 1


def test_a_renewal_needs_a_later_last_day(staff_client, resident_company):
    lease = leased(resident_company)
    assert act(staff_client, "renew", lease) == ["Give the new last day in the date field."]
    assert act(staff_client, "renew", lease, on="2027-06-30")[0].startswith("Helix Therapeutics: A renewal ends after")


# --- Terminating --------------------------------------------------------------------------------


def test_terminating_a_lease_ends_its_allocations_on_the_day_given(staff_client, staff_user, resident_company):
    lease = leased(resident_company)

    assert act(staff_client, "terminate", lease, on="2026-09-30", reason="Moved to Shanghai") == ["1 lease(s) updated."]

    lease.refresh_from_db()
    assert (lease.state, lease.terminated_on, lease.termination_reason) == (
        LeaseState.TERMINATED,
        dt.date(2026, 9, 30),
        "Moved to Shanghai",
    )
    assert lease.allocations.get().ends_on == dt.date(2026, 9, 30)
    assert lease.transitions.latest("pk").to_state == LeaseState.TERMINATED


def test_termination_needs_a_reason_and_a_day_within_the_term(staff_client, resident_company):
    lease = leased(resident_company)

    assert act(staff_client, "terminate", lease, on="2026-09-30") == [
        "Helix Therapeutics: Say why the lease ends early."
    ]
    refused = act(staff_client, "terminate", lease, on="2030-01-31", reason="Late")
    assert refused[0].startswith("Helix Therapeutics: The last day of a terminated lease lies within its term")
    lease.refresh_from_db()
    assert lease.state == LeaseState.ACTIVE


def test_a_terminated_lease_is_neither_terminated_again_nor_renewed(staff_client, resident_company):
    lease = leased(resident_company)
    act(staff_client, "terminate", lease, on="2026-09-30", reason="Moved")

    assert act(staff_client, "terminate", lease, on="2026-08-31", reason="Again") == [
        "Helix Therapeutics: Only a running lease can be terminated; this one is “Terminated”."
    ]
    assert act(staff_client, "renew", lease, on="2029-12-31") == [
        "Helix Therapeutics: Only a running lease can be renewed; this one is “Terminated”."
    ]


# --- Alerts before the end, and the end -------------------------------------------------------


@pytest.fixture
def alerted(campus_staff, resident_admin, resident_member, resident_finance):
    return leased(resident_admin.company)


def sent(django_capture_on_commit_callbacks, today) -> list[str]:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        leases_end_and_alert(today)
    return sorted(address for message in mail.outbox for address in message.to)


def test_staff_admins_and_finance_people_are_alerted_90_60_and_30_days_before_the_end_once_each(
    alerted, resident_admin, resident_finance, campus_staff, django_capture_on_commit_callbacks
):
    everyone = sorted([*campus_staff, resident_admin.user.email, resident_finance.user.email])

    assert sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=91)) == []
    assert sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=90)) == everyone
    assert sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=89)) == []
    assert sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=60)) == everyone
    assert sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=60)) == []
    assert sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=30)) == everyone
    assert "Your lease ends in 30 days" in {message.subject for message in mail.outbox}
    assert sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=1)) == []
    assert LeaseAlert.objects.filter(lease=alerted).count() == 3
    alerted.refresh_from_db()
    assert alerted.state == LeaseState.ENDING


def test_a_lease_found_late_gets_one_alert_for_the_nearest_threshold(alerted, django_capture_on_commit_callbacks):
    assert len(sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=45))) == 4
    assert sorted(LeaseAlert.objects.values_list("days", flat=True)) == [60, 90]
    assert sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=40)) == []


def test_a_renewed_lease_is_alerted_again_before_its_new_end(alerted, staff_user, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2027, 10, 1, 9, 0)):
        sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=90))
        renewed = lease_renew(lease=alerted, new_ends_on=dt.date(2028, 12, 31), actor=staff_user)
    assert renewed.state == LeaseState.ACTIVE
    assert len(sent(django_capture_on_commit_callbacks, dt.date(2028, 12, 31) - dt.timedelta(days=90))) == 4


def test_a_lease_past_its_last_day_ends(alerted, django_capture_on_commit_callbacks):
    sent(django_capture_on_commit_callbacks, END + dt.timedelta(days=1))
    alerted.refresh_from_db()
    assert alerted.state == LeaseState.ENDED
    assert alerted.transitions.latest("pk").actor is None


# --- The company's page -------------------------------------------------------------------------


@pytest.fixture
def incubated(resident_admin):
    return leased(resident_admin.company, subsidies=[(1, 6, Decimal("100")), (7, 18, Decimal("50"))])


@time_machine.travel(dt.datetime(2026, 6, 15, 9, 0), tick=False)
def test_admins_and_finance_people_see_the_lease_and_the_coming_months(incubated, resident_admin, resident_finance):
    for person in (resident_admin, resident_finance):
        page = person.client.get("/my/lease/").content.decode()
        assert "Lease and rent" in page and "Active" in page
        assert "Months 1–6: 100% of rent waived" in page and "Months 7–18: 50% of rent waived" in page
        assert "-¥10,000.00" in page or "-CN¥10,000.00" in page
        assert "-¥5,000.00" in page or "-CN¥5,000.00" in page


def test_members_are_refused_the_lease_and_do_not_see_it_in_the_menu(incubated, resident_member, resident_admin):
    assert resident_member.client.get("/my/lease/").status_code == 403
    assert "/my/lease/" not in resident_member.client.get("/my/").content.decode()
    assert "/my/lease/" in resident_admin.client.get("/my/").content.decode()


def test_another_company_never_sees_the_lease(incubated, other_resident):
    page = other_resident.client.get("/my/lease/").content.decode()
    assert "has no lease in the portal yet" in page and "waived" not in page


def test_a_draft_lease_stays_the_campuss_until_activated(resident_admin):
    leased(resident_admin.company, active=False)
    assert "has no lease in the portal yet" in resident_admin.client.get("/my/lease/").content.decode()


def test_the_residency_agreement_task_links_to_the_lease(incubated, resident_admin, resident_member):
    from tests.residents.test_permission_matrix import _company_a_task

    task = _company_a_task({"resident_admin": resident_admin})
    task.requires_document = "residency_agreement"
    task.save()

    assert 'href="/my/lease/">See the lease' in resident_admin.client.get("/my/").content.decode()
    assert "See the lease" not in resident_member.client.get("/my/").content.decode()


def test_the_lease_page_reads_a_constant_number_of_rows(resident_admin, django_assert_max_num_queries):
    leased(resident_admin.company, subsidies=[(1, 2, Decimal("100"))])
    with django_assert_max_num_queries(12) as one:
        resident_admin.client.get("/my/lease/")
    for _ in range(4):
        leased(resident_admin.company, subsidies=[(1, 2, Decimal("100"))])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert resident_admin.client.get("/my/lease/").status_code == 200


def test_the_admin_list_of_leases_reads_a_constant_number_of_rows(
    staff_client, resident_company, django_assert_max_num_queries
):
    leased(resident_company)
    with django_assert_max_num_queries(30) as one:
        staff_client.get(reverse(CHANGELIST))
    for n in range(4):
        leased(CompanyFactory(campus=resident_company.campus, name=f"Company {n}"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert staff_client.get(reverse(CHANGELIST)).status_code == 200


# --- Staff roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("finance", 200), ("campus_manager", 200), ("space_manager", 403)])
def test_finance_staff_and_campus_managers_work_leases(client, role, status):
    from tests.personas import staff_in_role

    client.force_login(staff_in_role(role))
    assert client.get(reverse(CHANGELIST)).status_code == status
    assert client.get(reverse("admin:residents_lease_add")).status_code == status


def test_finance_staff_renew_a_lease(client, resident_company):
    from tests.personas import staff_in_role

    lease = leased(resident_company)
    client.force_login(staff_in_role("finance"))
    assert act(client, "renew", lease, on="2028-12-31") == ["1 lease(s) updated."]


@time_machine.travel(dt.datetime(2026, 6, 15, 9, 0), tick=False)
def test_the_lease_page_and_its_alert_read_in_chinese(incubated, resident_admin, django_capture_on_commit_callbacks):
    from residents.models import Membership

    page = resident_admin.client.get("/zh-hans/my/lease/").content.decode()
    assert "租约与租金" in page and "第 1–6 个月：减免租金 100%" in page

    Membership.objects.filter(pk=resident_admin.membership.pk).update(language="zh-hans")
    sent(django_capture_on_commit_callbacks, END - dt.timedelta(days=30))
    assert "贵企业的租约将在 30 天后到期" in {message.subject for message in mail.outbox}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_renewal_racing_another_company_for_the_space_after_the_end_lets_exactly_one_win(campus):
    import threading

    from django.db import connection

    from campus.exceptions import AllocationConflict
    from campus.services import allocation_create
    from residents.exceptions import LeaseRefused

    helix, nordic = CompanyFactory(campus=campus), CompanyFactory(campus=campus)
    lease = leased(helix)
    space = lease.allocations.get().space
    barrier, outcomes = threading.Barrier(2), []

    def renew():
        try:
            barrier.wait(timeout=10)
            outcomes.append(lease_renew(lease=lease, new_ends_on=dt.date(2028, 12, 31), actor=None))
        except LeaseRefused as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    def take():
        try:
            barrier.wait(timeout=10)
            outcomes.append(allocation_create(space=space, company=nordic, starts_on=dt.date(2028, 6, 1)))
        except AllocationConflict as conflict:
            outcomes.append(conflict)
        finally:
            connection.close()

    threads = [threading.Thread(target=renew), threading.Thread(target=take)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    won = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    assert len(outcomes) == 2 and len(won) == 1, outcomes
    lease.refresh_from_db()
    allocations = list(Allocation.objects.filter(space=space).order_by("starts_on"))
    if isinstance(won[0], Lease):
        assert lease.ends_on == dt.date(2028, 12, 31) == allocations[0].ends_on and len(allocations) == 1
    else:
        assert lease.ends_on == END and [a.company for a in allocations] == [helix, nordic]
