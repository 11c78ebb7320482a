"""Visitors and deliveries: residents announce visitors, the front desk checks them in (the host
hears of it once) and out, logs deliveries (flagged ones tell everyone at once and escalate once),
and records who collected them; nobody outside the company or the desk reaches any of it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.roles import group_name
from residents.demo.frontdesk import seed
from residents.models import Delivery, Visit
from residents.services.frontdesk import FRONT_DESK_GROUP, delivery_log, visit_register
from residents.services.members import invitation_accept, invitation_send
from residents.tasks import flagged_deliveries_escalate
from tenants.models import Notification
from tests.campus.factories import AllocationFactory, BuildingFactory, CampusFactory, SpaceFactory
from tests.concurrency import at_once
from tests.personas import Resident, resident_of, staff_in_role
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def front_desk(campus):
    """A staff member in the front desk role, signed in."""
    client = Client()
    client.force_login(staff_in_role("front_desk"))
    return client


@pytest.fixture
def chinese_colleague(resident_company, django_capture_on_commit_callbacks):
    """A person of company A who joined through an invitation in Chinese."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_send(
            company=resident_company, email="li@helix.example.com", name="Li", language="zh-hans"
        )
    membership = invitation_accept(token_hash=invitation.token_hash, name="Li Na", password="Lab-bench-2019!")
    mail.outbox.clear()
    return membership.user


def expected(company, host, name="Grace Visitor", day=None, **fields) -> Visit:
    return visit_register(
        company=company, host=host, visitor_name=name, visit_date=day or TODAY(), actor=host, **fields
    )


def texts(response) -> str:
    return response.content.decode()


# --- Announcing and cancelling (/my/visitors/) ------------------------------------------------


def test_a_person_announces_a_visitor_hosted_by_themselves_unless_they_name_a_colleague(
    resident_member, resident_admin
):
    page = resident_member.client.get("/my/visitors/")
    assert page.status_code == 200
    assert f'<option value="{resident_member.user.pk}" selected>' in texts(page), "the host is the person by default"

    tomorrow = TODAY() + dt.timedelta(days=1)
    response = resident_member.client.post(
        "/my/visitors/",
        {
            "visitor_name": "Grace Hopper",
            "organisation": "Navy Labs",
            "visit_date": tomorrow.isoformat(),
            "expected_time": "10:30",
            "host": resident_admin.user.pk,
        },
        follow=True,
    )

    visit = Visit.objects.get(visitor_name="Grace Hopper")
    assert (visit.company, visit.host, visit.registered_by) == (
        resident_member.company,
        resident_admin.user,
        resident_member.user,
    )
    assert (visit.visit_date, visit.expected_time, visit.status) == (tomorrow, dt.time(10, 30), "expected")
    assert "Grace Hopper" in texts(response) and "Navy Labs" in texts(response)


def test_a_visit_on_a_passed_day_or_with_another_companys_host_is_refused_keeping_what_was_typed(
    resident_member, other_resident
):
    yesterday = TODAY() - dt.timedelta(days=1)
    passed = resident_member.client.post(
        "/my/visitors/",
        {"visitor_name": "Grace Hopper", "visit_date": yesterday.isoformat(), "host": resident_member.user.pk},
    )
    outsider = resident_member.client.post(
        "/my/visitors/",
        {"visitor_name": "Grace Hopper", "visit_date": TODAY().isoformat(), "host": other_resident.user.pk},
    )

    assert passed.status_code == 400 and "a day that has passed" in texts(passed)
    assert 'value="Grace Hopper"' in texts(passed)
    assert outsider.status_code == 400 and "Select a valid choice" in texts(outsider)
    assert not Visit.objects.exists()


def test_upcoming_and_past_visits_are_listed_apart_and_paginated(resident_member):
    company, host = resident_member.company, resident_member.user
    for number in range(27):
        expected(company, host, name=f"Future {number:02}", day=TODAY() + dt.timedelta(days=1))
    Visit.objects.create(
        company=company, host=host, visitor_name="Old Friend", visit_date=TODAY() - dt.timedelta(days=3)
    )

    upcoming = texts(resident_member.client.get("/my/visitors/"))
    second = texts(resident_member.client.get("/my/visitors/?page=2"))
    past = texts(resident_member.client.get("/my/visitors/?when=past"))

    assert "Future 00" in upcoming and "Future 26" not in upcoming and "Old Friend" not in upcoming
    assert "Future 26" in second
    assert "Old Friend" in past and "Future 00" not in past and "did not come" in past


def test_the_person_who_announced_a_visit_cancels_it_once(resident_member):
    visit = expected(resident_member.company, resident_member.user, day=TODAY() + dt.timedelta(days=2))

    first = resident_member.client.post(f"/my/visitors/{visit.pk}/cancel/", follow=True)
    again = resident_member.client.post(f"/my/visitors/{visit.pk}/cancel/", follow=True)

    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_by) == ("cancelled", resident_member.user)
    assert visit.cancelled_at is not None
    assert "is cancelled" in texts(first)
    assert "was cancelled" in texts(again)


def test_only_the_announcer_the_host_or_a_company_admin_may_cancel(resident_admin, resident_member, resident_finance):
    visit = expected(resident_member.company, resident_member.user)

    refused = resident_finance.client.post(f"/my/visitors/{visit.pk}/cancel/", follow=True)
    assert "Only the person who announced this visit" in texts(refused)
    assert "Cancel visit" not in texts(resident_finance.client.get("/my/visitors/"))
    visit.refresh_from_db()
    assert visit.status == "expected"

    resident_admin.client.post(f"/my/visitors/{visit.pk}/cancel/")
    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_by) == ("cancelled", resident_admin.user)


def test_a_visit_that_has_passed_or_begun_cannot_be_cancelled(resident_member, front_desk):
    passed = Visit.objects.create(
        company=resident_member.company,
        host=resident_member.user,
        registered_by=resident_member.user,
        visitor_name="Yesterday's Guest",
        visit_date=TODAY() - dt.timedelta(days=1),
    )
    arrived = expected(resident_member.company, resident_member.user, name="Arrived Guest")
    front_desk.post(f"/staff/frontdesk/visits/{arrived.pk}/check-in/")

    first = resident_member.client.post(f"/my/visitors/{passed.pk}/cancel/", follow=True)
    second = resident_member.client.post(f"/my/visitors/{arrived.pk}/cancel/", follow=True)

    assert "has passed and can no longer be cancelled" in texts(first)
    assert "has arrived already" in texts(second)
    assert set(Visit.objects.values_list("status", flat=True)) == {"expected", "checked_in"}


# --- The front desk: check in, check out, walk-ins ----------------------------------------------


def test_checking_in_emails_the_host_once_in_their_language_and_refuses_a_second_time(
    resident_member, chinese_colleague, front_desk, django_capture_on_commit_callbacks
):
    visit = expected(resident_member.company, chinese_colleague, name="Grace Hopper", organisation="Navy Labs")

    with django_capture_on_commit_callbacks(execute=True):
        first = front_desk.post(f"/staff/frontdesk/visits/{visit.pk}/check-in/", follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = front_desk.post(f"/staff/frontdesk/visits/{visit.pk}/check-in/", follow=True)

    assert "Grace Hopper is checked in" in texts(first)
    assert "Grace Hopper was checked in already, at" in texts(second)
    assert [message.to for message in mail.outbox] == [["li@helix.example.com"]]
    assert "Grace Hopper" in mail.outbox[0].subject
    assert Notification.objects.get(kind="visit:arrived").language == "zh-hans", "in the host's language"
    assert "Navy Labs" in mail.outbox[0].body
    visit.refresh_from_db()
    assert visit.status == "checked_in" and visit.checked_in_by.groups.filter(name=FRONT_DESK_GROUP).exists()


@pytest.mark.django_db(transaction=True)
def test_two_check_ins_at_once_check_in_once_and_email_the_host_once(campus):
    company = CompanyFactory(campus=campus)
    host = _resident(company)
    visit = expected(company, host.user)
    desk = staff_in_role("front_desk")
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(desk)

    def check_in(client):
        return lambda: texts(client.post(f"/staff/frontdesk/visits/{visit.pk}/check-in/", follow=True))

    pages = at_once(*(check_in(client) for client in clients))

    assert all(isinstance(page, str) for page in pages), pages
    assert sum("is checked in;" in page for page in pages) == 1
    assert sum("was checked in already" in page for page in pages) == 1
    assert [message.to for message in mail.outbox] == [[host.user.email]]


def test_checking_out_records_who_and_when_and_needs_a_check_in_first(resident_member, front_desk):
    visit = expected(resident_member.company, resident_member.user, name="Grace Hopper")

    early = front_desk.post(f"/staff/frontdesk/visits/{visit.pk}/check-out/", follow=True)
    front_desk.post(f"/staff/frontdesk/visits/{visit.pk}/check-in/")
    done = front_desk.post(f"/staff/frontdesk/visits/{visit.pk}/check-out/", follow=True)

    assert "Grace Hopper has not been checked in." in texts(early)
    assert "Grace Hopper has checked out." in texts(done)
    visit.refresh_from_db()
    assert visit.status == "checked_out" and visit.checked_out_at >= visit.checked_in_at
    assert visit.checked_out_by.username == "front-desk"


def test_a_visitor_expected_another_day_or_cancelled_is_not_checked_in(resident_member, front_desk):
    tomorrow = expected(resident_member.company, resident_member.user, name="Early Bird", day=TODAY() + dt.timedelta(1))
    cancelled = expected(resident_member.company, resident_member.user, name="Called Off")
    resident_member.client.post(f"/my/visitors/{cancelled.pk}/cancel/")

    early = front_desk.post(f"/staff/frontdesk/visits/{tomorrow.pk}/check-in/", follow=True)
    off = front_desk.post(f"/staff/frontdesk/visits/{cancelled.pk}/check-in/", follow=True)

    assert "Early Bird is expected on" in texts(early) and "not today" in texts(early)
    assert "The visit of Called Off was cancelled." in texts(off)
    assert not Visit.objects.filter(status="checked_in").exists()


def test_a_walk_in_is_registered_checked_in_and_announced_to_the_host(
    resident_member, front_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk.post(
            "/staff/frontdesk/walk-in/",
            {"host": resident_member.membership.pk, "visitor_name": "Ada Lovelace", "organisation": "Analytical"},
            follow=True,
        )

    visit = Visit.objects.get(visitor_name="Ada Lovelace")
    assert (visit.walk_in, visit.status, visit.visit_date, visit.company) == (
        True,
        "checked_in",
        TODAY(),
        resident_member.company,
    )
    assert "Ada Lovelace is checked in" in texts(response)
    assert [message.to for message in mail.outbox] == [[resident_member.user.email]]


def test_a_walk_in_without_a_name_is_refused_keeping_the_host(resident_member, front_desk):
    response = front_desk.post("/staff/frontdesk/walk-in/", {"host": resident_member.membership.pk, "visitor_name": ""})

    assert response.status_code == 400 and "This field is required." in texts(response)
    assert f'<option value="{resident_member.membership.pk}" selected>' in texts(response)
    assert not Visit.objects.exists()


def test_the_desk_lists_todays_visitors_of_its_campus_by_building_and_name(campus, resident_member, front_desk):
    building, elsewhere = BuildingFactory(campus=campus, code="B1"), BuildingFactory(campus=campus, code="B2")
    AllocationFactory(
        space=SpaceFactory(building=building), company=resident_member.company, starts_on=TODAY(), ends_on=None
    )
    neighbour = _resident(CompanyFactory(campus=campus, name="Nordic Labs"))
    AllocationFactory(
        space=SpaceFactory(building=elsewhere), company=neighbour.company, starts_on=TODAY(), ends_on=None
    )
    expected(resident_member.company, resident_member.user, name="Grace Hopper")
    expected(neighbour.company, neighbour.user, name="Alan Turing")
    expected(resident_member.company, resident_member.user, name="Next Week", day=TODAY() + dt.timedelta(days=7))
    other_campus = CompanyFactory(campus=CampusFactory(name="Zhangjiang Campus"))
    expected(other_campus, _resident(other_campus).user, name="Far Away")

    everyone = texts(front_desk.get("/staff/frontdesk/"))
    in_b1 = texts(front_desk.get(f"/staff/frontdesk/?building={building.pk}"))
    searched = texts(front_desk.get("/staff/frontdesk/?q=nordic"))

    assert "Grace Hopper" in everyone and "Alan Turing" in everyone
    assert "Next Week" not in everyone and "Far Away" not in everyone
    assert "Helix Therapeutics · B1" in everyone
    assert "Grace Hopper" in in_b1 and "Alan Turing" not in in_b1
    assert "Alan Turing" in searched and "Grace Hopper" not in searched


def test_the_desk_keeps_the_campus_it_serves(campus, front_desk):
    other = CampusFactory(name="Zhangjiang Campus")
    company = CompanyFactory(campus=other)
    expected(company, _resident(company).user, name="Far Away")

    assert "Far Away" not in texts(front_desk.get("/staff/frontdesk/"))
    assert "Far Away" in texts(front_desk.get(f"/staff/frontdesk/?campus={other.pk}"))
    assert "Far Away" in texts(front_desk.get("/staff/frontdesk/")), "remembered for the session"


# --- Deliveries -------------------------------------------------------------------------------------


def test_a_flagged_delivery_tells_every_person_of_the_company_at_once(
    resident_admin, resident_member, chinese_colleague, other_resident, front_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = front_desk.post(
            "/staff/frontdesk/deliveries/new/",
            {
                "company": resident_admin.company.pk,
                "carrier": "SF Express",
                "description": "Cell lines on dry ice",
                "cold_chain": "on",
                "biological": "on",
            },
            follow=True,
        )

    delivery = Delivery.objects.get()
    assert (delivery.cold_chain, delivery.biological, delivery.hazardous) == (True, True, False)
    assert delivery.logged_by.username == "front-desk"
    assert "the company has been told" in texts(response)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [resident_admin.user.email, resident_member.user.email, "li@helix.example.com"]
    )
    assert all("Cell lines on dry ice" in message.body for message in mail.outbox)
    assert "Urgent" in next(m for m in mail.outbox if m.to == [resident_member.user.email]).subject
    assert Notification.objects.get(recipient="li@helix.example.com", kind="delivery:arrived").language == "zh-hans"


def test_an_ordinary_delivery_tells_the_company_admins(
    resident_admin, resident_member, front_desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        front_desk.post(
            "/staff/frontdesk/deliveries/new/",
            {"company": resident_admin.company.pk, "carrier": "EMS", "description": "Signed contracts"},
        )

    assert [message.to for message in mail.outbox] == [[resident_admin.user.email]]
    assert "Signed contracts" in mail.outbox[0].body


def test_a_delivery_for_a_company_not_on_campus_is_refused(campus, front_desk):
    applicant = CompanyFactory(campus=campus, status="applicant")

    response = front_desk.post(
        "/staff/frontdesk/deliveries/new/", {"company": applicant.pk, "carrier": "EMS", "description": "Letters"}
    )

    assert response.status_code == 400 and "Select a valid choice" in texts(response)
    assert 'value="Letters"' in texts(response)
    assert not Delivery.objects.exists()


def test_the_desk_lists_deliveries_waiting_at_its_campus_by_building_and_name(campus, resident_member, front_desk):
    building, elsewhere = BuildingFactory(campus=campus, code="B1"), BuildingFactory(campus=campus, code="B2")
    AllocationFactory(
        space=SpaceFactory(building=building), company=resident_member.company, starts_on=TODAY(), ends_on=None
    )
    neighbour = CompanyFactory(campus=campus, name="Nordic Labs")
    AllocationFactory(space=SpaceFactory(building=elsewhere), company=neighbour, starts_on=TODAY(), ends_on=None)
    delivery_log(company=resident_member.company, carrier="DHL", description="Helix reagents", actor=None)
    delivery_log(company=neighbour, carrier="EMS", description="Nordic letters", actor=None)
    taken = delivery_log(company=neighbour, carrier="EMS", description="Collected parcel", actor=None)
    Delivery.objects.filter(pk=taken.pk).update(collected_at=timezone.now(), collected_by_name="Bo")

    everything = texts(front_desk.get("/staff/frontdesk/deliveries/"))
    in_b1 = texts(front_desk.get(f"/staff/frontdesk/deliveries/?building={building.pk}"))
    searched = texts(front_desk.get("/staff/frontdesk/deliveries/?q=letters"))

    assert "Helix reagents" in everything and "Nordic letters" in everything and "Collected parcel" not in everything
    assert "Helix reagents" in in_b1 and "Nordic letters" not in in_b1
    assert "Nordic letters" in searched and "Helix reagents" not in searched


def test_collection_records_who_took_it_and_is_refused_the_second_time(resident_member, front_desk):
    delivery = delivery_log(company=resident_member.company, carrier="DHL", description="Reagents", actor=None)

    nameless = front_desk.post(
        f"/staff/frontdesk/deliveries/{delivery.pk}/collect/", {"collected_by_name": " "}, follow=True
    )
    first = front_desk.post(
        f"/staff/frontdesk/deliveries/{delivery.pk}/collect/", {"collected_by_name": "Max Muster"}, follow=True
    )
    second = front_desk.post(
        f"/staff/frontdesk/deliveries/{delivery.pk}/collect/", {"collected_by_name": "Someone Else"}, follow=True
    )

    assert "Give the name of the person collecting" in texts(nameless)
    assert "collected by Max Muster" in texts(first)
    assert "was collected already, by Max Muster" in texts(second)
    delivery.refresh_from_db()
    assert delivery.collected_by_name == "Max Muster" and delivery.collected_at is not None
    assert delivery.handed_over_by.username == "front-desk"


def test_residents_see_what_waits_for_them_and_what_was_collected(resident_member, other_resident):
    waiting = delivery_log(
        company=resident_member.company, carrier="DHL", description="Reagents", hazardous=True, actor=None
    )
    taken = delivery_log(company=resident_member.company, carrier="EMS", description="Contracts", actor=None)
    Delivery.objects.filter(pk=taken.pk).update(collected_at=timezone.now(), collected_by_name="Max Muster")
    delivery_log(company=other_resident.company, carrier="FedEx", description="Nordic parcel", actor=None)

    now = texts(resident_member.client.get("/my/deliveries/"))
    before = texts(resident_member.client.get("/my/deliveries/?show=collected"))

    assert waiting.description in now and "hazardous goods" in now
    assert "Contracts" not in now and "Nordic parcel" not in now
    assert "Contracts" in before and "Max Muster" in before and "Reagents" not in before


def test_flagged_deliveries_left_waiting_escalate_once_to_the_desk_and_the_company_admins(
    resident_admin, resident_member, front_desk, settings, django_capture_on_commit_callbacks
):
    settings.FRONTDESK_FLAGGED_COLLECT_HOURS = 2
    flagged = delivery_log(
        company=resident_admin.company, carrier="DHL", description="Blood samples", biological=True, actor=None
    )
    delivery_log(company=resident_admin.company, carrier="EMS", description="Letters", actor=None)
    collected = delivery_log(
        company=resident_admin.company, carrier="DHL", description="Vaccines", cold_chain=True, actor=None
    )
    Delivery.objects.filter(pk=collected.pk).update(collected_at=timezone.now(), collected_by_name="Ada")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert flagged_deliveries_escalate.delay().get() == 0, "not yet: within the two hours"
    later = timezone.now() + dt.timedelta(hours=2, minutes=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = flagged_deliveries_escalate.delay().get()
        second = flagged_deliveries_escalate.delay().get()

    assert (first, second) == (1, 0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["front-desk@campus.example.org", resident_admin.user.email]
    )
    assert all("Blood samples" in message.body for message in mail.outbox)
    desk_mail, admin_mail = sorted(mail.outbox, key=lambda message: message.to[0] != "front-desk@campus.example.org")
    assert "/staff/frontdesk/deliveries/" in desk_mail.body and "/my/deliveries/" in admin_mail.body
    flagged.refresh_from_db()
    assert flagged.escalated_at == later


# --- Who reaches what ----------------------------------------------------------------------------


def test_another_companys_people_get_404_on_its_visits_and_never_see_its_deliveries(resident_member, other_resident):
    visit = expected(resident_member.company, resident_member.user, name="Secret Guest")
    delivery_log(company=resident_member.company, carrier="DHL", description="Secret parcel", actor=None)

    assert other_resident.client.post(f"/my/visitors/{visit.pk}/cancel/").status_code == 404
    assert "Secret Guest" not in texts(other_resident.client.get("/my/visitors/"))
    assert "Secret parcel" not in texts(other_resident.client.get("/my/deliveries/"))
    visit.refresh_from_db()
    assert visit.status == "expected"


@pytest.mark.parametrize("url", ["/my/visitors/", "/my/deliveries/"])
def test_only_a_companys_people_reach_its_visitors_and_deliveries(url, staff_client, alice, applicant, front_desk):
    sign_in = f"/my/login/?next={url}"
    # An applicant's link session is no sign-in: it is sent to sign in, as a stranger is.
    assert Client().get(url)["Location"] == sign_in and applicant.client.get(url)["Location"] == sign_in
    member = Client()
    member.force_login(alice.user)
    for outsider in (staff_client, member, front_desk):
        assert outsider.get(url).status_code == 404


def test_the_front_desk_sees_the_front_desk_pages_and_nothing_else(front_desk):
    assert front_desk.get("/staff/frontdesk/").status_code == 200
    assert front_desk.get("/staff/frontdesk/deliveries/").status_code == 200
    for url in [
        "/admin/tenants/application/",
        "/admin/tenants/company/",
        "/admin/campus/allocation/",
        "/staff/onboarding/",
        "/admin/residents/membership/",
    ]:
        assert front_desk.get(url).status_code == 403, url
    navigation = texts(front_desk.get("/staff/"))
    assert 'href="/staff/frontdesk/"' in navigation and 'href="/staff/onboarding/"' not in navigation


def test_residents_and_other_staff_roles_cannot_reach_the_front_desk(resident_admin, space_manager):
    visit = expected(resident_admin.company, resident_admin.user)

    assert resident_admin.client.get("/staff/frontdesk/")["Location"].startswith("/admin/login/")
    assert resident_admin.client.post(f"/staff/frontdesk/visits/{visit.pk}/check-in/").status_code == 302
    manager = Client()
    manager.force_login(space_manager)
    assert manager.get("/staff/frontdesk/").status_code == 403
    assert manager.post(f"/staff/frontdesk/visits/{visit.pk}/check-in/").status_code == 403
    visit.refresh_from_db()
    assert visit.status == "expected"


def test_the_front_desk_role_is_the_group_the_escalation_writes_to():
    assert group_name("front_desk") == FRONT_DESK_GROUP
    permissions = set(Group.objects.get(name=FRONT_DESK_GROUP).permissions.values_list("codename", flat=True))
    desk = {f"{action}_{model}" for action in ("add", "change", "view") for model in ("visit", "delivery")}
    bookings = {"view_booking", "change_booking", "view_resource"}  # today's bookings and check-ins
    assert permissions == desk | bookings


# --- Constant queries -------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_every_list_runs_the_same_queries_for_one_row_or_many(
    campus, resident_member, front_desk, django_assert_max_num_queries
):
    building = BuildingFactory(campus=campus)
    AllocationFactory(
        space=SpaceFactory(building=building), company=resident_member.company, starts_on=TODAY(), ends_on=None
    )

    def add_rows(number: int):
        company = CompanyFactory(campus=campus)
        person = _resident(company)
        AllocationFactory(space=SpaceFactory(building=building), company=company, starts_on=TODAY(), ends_on=None)
        for host, owner in ((resident_member.user, resident_member.company), (person.user, company)):
            expected(owner, host, name=f"Guest {number}")
            delivery_log(company=owner, carrier="DHL", description=f"Parcel {number}", cold_chain=True, actor=None)

    add_rows(0)
    urls = {
        resident_member.client: ["/my/visitors/", "/my/deliveries/"],
        front_desk: [
            "/staff/frontdesk/",
            f"/staff/frontdesk/?building={building.pk}",
            f"/staff/frontdesk/deliveries/?building={building.pk}",
        ],
    }
    baseline = {(client, url): _queries(client, url) for client, paths in urls.items() for url in paths}
    for number in range(1, 6):
        add_rows(number)
    for (client, url), count in baseline.items():
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def _resident(company) -> Resident:
    return resident_of(company, "admin", f"Host{company.pk}")


def test_the_demo_seeds_todays_visitors_and_deliveries_once(
    campus, resident_member, django_capture_on_commit_callbacks
):
    nobody_yet = CompanyFactory(campus=campus, name="Empty Labs")
    companies = [resident_member.company, nobody_yet, CompanyFactory(campus=campus, status="applicant")]

    with django_capture_on_commit_callbacks(execute=True):
        first = seed(campus, companies)
        second = seed(campus, companies)

    assert first == {"visits": 5, "deliveries": 4} and second == {"visits": 0, "deliveries": 0}
    assert set(Visit.objects.values_list("company__name", flat=True)) == {"Helix Therapeutics", "Empty Labs"}
    assert Visit.objects.filter(visit_date=TODAY(), status="checked_in").count() == 1
    assert Delivery.objects.waiting().count() == 3 and Delivery.objects.flagged().count() == 2
    assert nobody_yet.memberships.get().user.is_active, "a demo host joined Empty Labs"
