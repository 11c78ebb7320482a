"""Service-request targets: working-hours arithmetic, due times, the clock stopping while the company
is asked, escalation once per request and target, closing after the reopening window, the dashboard."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail

from residents.models import ServiceRequest, ServiceTarget
from residents.services.requests import (
    overdue_requests_escalate,
    resolved_requests_close,
    service_request_reply,
    service_request_transition,
)
from residents.tasks import overdue_requests_escalate as escalation_task
from residents.tasks import resolved_requests_close as closing_task
from residents.working_hours import working_hours_add, working_hours_between
from tests.residents.requests_setup import MONDAY, at, in_state, raised

pytestmark = pytest.mark.django_db

FRIDAY = MONDAY.replace(day=6)
SATURDAY = MONDAY.replace(day=7)


# --- Working hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(MONDAY, 9), 4, at(MONDAY, 13)),
        (at(MONDAY, 9), 9, at(MONDAY, 18)),
        (at(MONDAY, 9), 10, at(MONDAY, 10, days=1)),
        (at(MONDAY, 7, 30), 1, at(MONDAY, 10)),  # before opening: counted from 09:00
        (at(MONDAY, 20), 1, at(MONDAY, 10, days=1)),  # after closing: from the next morning
        (at(FRIDAY, 17), 4, at(MONDAY, 12, days=7)),  # over the weekend
        (at(SATURDAY, 10), 1, at(MONDAY, 10, days=7)),
        (at(FRIDAY, 17, 30), 0.5, at(FRIDAY, 18)),
        (at(MONDAY, 9), 45, at(MONDAY, 18, days=4)),  # a working week
    ],
)
def test_working_hours_are_added_on_working_days_between_opening_and_closing(start, hours, due):
    assert working_hours_add(start, hours) == due


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(MONDAY, 9), at(MONDAY, 13), 4),
        (at(FRIDAY, 17), at(MONDAY, 12, days=7), 4),
        (at(SATURDAY, 8), at(SATURDAY, 20), 0),
        (at(MONDAY, 19), at(MONDAY, 8, days=1), 0),
        (at(MONDAY, 12), at(MONDAY, 11), 0),
        (at(MONDAY, 9), at(MONDAY, 9, days=7), 45),
    ],
)
def test_working_hours_between_two_moments(start, end, hours):
    assert working_hours_between(start, end) == hours


def test_working_days_and_hours_come_from_the_settings(settings):
    settings.SERVICE_WORKING_DAYS = [0, 1, 2, 3, 4, 5]
    settings.SERVICE_WORKING_HOURS = (at(MONDAY, 8).time(), at(MONDAY, 20).time())

    assert working_hours_add(at(FRIDAY, 19), 2) == at(SATURDAY, 9)
    assert working_hours_between(at(SATURDAY, 8), at(SATURDAY, 20)) == 12


@pytest.mark.parametrize(
    ("name", "value"),
    [("SERVICE_WORKING_HOURS", "18:00-09:00"), ("SERVICE_WORKING_HOURS", "9-18"), ("SERVICE_WORKING_DAYS", "mon,fry")],
)
def test_malformed_working_hours_stop_start_up_naming_the_variable(name, value):
    environment = {key: item for key, item in os.environ.items() if key not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings.base"],
        env={**environment, "SECRET_KEY": "k" * 50, name: value},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0 and name in result.stderr


# --- Due times -------------------------------------------------------------------------------


def test_a_request_is_due_by_the_campus_targets_counted_in_working_hours(resident_member, campus, time_machine):
    ServiceTarget.objects.create(campus=campus, category="it", response_hours=2, resolution_hours=12)
    time_machine.move_to(at(FRIDAY, 17))

    it = raised(resident_member, category="it")
    other = raised(resident_member, category="other")

    assert (it.response_target_hours, it.resolution_target_hours) == (2, 12)
    assert it.response_due_at == at(MONDAY, 10, days=7)
    assert it.resolution_due_at == at(MONDAY, 11, days=8)  # 1 h Friday, 9 h Monday, 2 h Tuesday
    assert (other.response_target_hours, other.resolution_target_hours) == (8, 45), "the defaults"


def test_a_target_changed_later_does_not_move_a_request_in_hand(resident_member, campus):
    target = ServiceTarget.objects.create(campus=campus, category="it", response_hours=2, resolution_hours=12)
    service_request = raised(resident_member, category="it")
    due = service_request.resolution_due_at

    target.resolution_hours = 40
    target.save()

    service_request.refresh_from_db()
    assert (service_request.resolution_target_hours, service_request.resolution_due_at) == (12, due)


def test_the_resolution_clock_stops_while_the_company_is_asked(resident_member, desk, time_machine):
    time_machine.move_to(MONDAY)
    service_request = raised(resident_member, category="it")  # 16 working hours: due Tuesday 16:00
    assert service_request.resolution_due_at == at(MONDAY, 16, days=1)

    time_machine.move_to(at(MONDAY, 10))
    service_request_transition(service_request=service_request, to="waiting", actor=desk.user, reason="Which room?")
    time_machine.move_to(at(MONDAY, 14))
    service_request_reply(service_request=service_request, actor=resident_member.user, body="Room 3-12.")

    service_request.refresh_from_db()
    assert service_request.state == "in_progress" and service_request.paused_hours == 4
    assert service_request.resolution_due_at == at(MONDAY, 11, days=2), "four hours later: Wednesday 11:00"


def test_a_reopened_request_counts_only_the_time_it_was_in_the_campus_hands(resident_member, desk, time_machine):
    time_machine.move_to(MONDAY)
    service_request = raised(resident_member, category="it")
    time_machine.move_to(at(MONDAY, 12))
    service_request_transition(service_request=service_request, to="resolved", actor=desk.user, reason="Done.")
    time_machine.move_to(at(MONDAY, 12, days=2))
    service_request_transition(
        service_request=service_request, to="in_progress", actor=resident_member.user, reason="Broken again."
    )

    service_request.refresh_from_db()
    assert service_request.paused_hours == 18 and not service_request.is_overdue()
    assert service_request.resolution_due_at == at(MONDAY, 16, days=3)


# --- Escalation -------------------------------------------------------------------------------


def test_escalation_tells_campus_staff_once_per_request_and_target(resident_member, campus_staff, mailed, time_machine):
    time_machine.move_to(MONDAY)
    service_request = raised(resident_member, category="it")  # response 4 h, resolution 16 h

    time_machine.move_to(at(MONDAY, 12))
    assert overdue_requests_escalate() == 0, "not yet due"
    time_machine.move_to(at(MONDAY, 14))
    first, first_mails = mailed(overdue_requests_escalate)
    again, again_mails = mailed(overdue_requests_escalate)
    time_machine.move_to(at(MONDAY, 17, days=1))
    resolution, resolution_mails = mailed(escalation_task)
    last, _none = mailed(escalation_task)

    assert (first, again, resolution, last) == (1, 0, 1, 0)
    assert sorted(message.to[0] for message in first_mails) == campus_staff and again_mails == []
    assert "first response" in first_mails[0].subject and "resolution" in resolution_mails[0].subject
    service_request.refresh_from_db()
    assert service_request.response_escalated_at and service_request.resolution_escalated_at
    events = service_request.events.filter(kind="escalated")
    assert [(e.body, e.internal) for e in events] == [("response", True), ("resolution", True)]
    page = resident_member.client.get(f"/my/requests/{service_request.pk}/").content.decode()
    assert "escalated" not in page.lower()


def test_no_escalation_after_a_response_or_while_the_company_is_asked(resident_member, desk, time_machine):
    time_machine.move_to(MONDAY)
    answered = raised(resident_member, category="it", subject="Answered")
    service_request_reply(service_request=answered, actor=desk.user, body="On it.")
    asked = raised(resident_member, category="it", subject="Asked")
    service_request_transition(service_request=asked, to="waiting", actor=desk.user, reason="Which room?")

    time_machine.move_to(at(MONDAY, 9, days=3))

    assert overdue_requests_escalate() == 1, "only the answered one's resolution"
    answered.refresh_from_db()
    assert answered.resolution_escalated_at and not answered.response_escalated_at
    assert not ServiceRequest.objects.filter(pk=asked.pk, resolution_escalated_at__isnull=False).exists()


# --- Closing after the reopening window ---------------------------------------------------------


def test_resolved_requests_close_after_the_reopening_window_once(resident_member, desk, mailed, time_machine):
    time_machine.move_to(MONDAY)
    service_request = in_state(resident_member, "resolved", desk.user)

    time_machine.move_to(at(MONDAY, 8, days=7))
    assert resolved_requests_close() == 0
    time_machine.move_to(at(MONDAY, 10, days=7))
    closed, sent = mailed(closing_task)

    assert (closed, closing_task()) == (1, 0)
    service_request.refresh_from_db()
    assert service_request.state == "closed"
    event = service_request.events.latest("pk")
    assert (event.from_state, event.to_state, event.actor) == ("resolved", "closed", None)
    assert [message.to[0] for message in sent] == [resident_member.user.email]


# --- The dashboard ------------------------------------------------------------------------------


def test_the_dashboard_shows_volume_and_median_times_against_targets(
    resident_member, desk, campus, space_manager, client, time_machine
):
    ServiceTarget.objects.create(campus=campus, category="it", response_hours=2, resolution_hours=12)
    time_machine.move_to(MONDAY)
    for answer_at, resolve_at in [(10, 13), (12, 18)]:  # first responses after 1 h and 3 h; resolved in 4 h and 9 h
        service_request = raised(resident_member, category="it")
        time_machine.move_to(at(MONDAY, answer_at))
        service_request_reply(service_request=service_request, actor=desk.user, body="Looking.")
        time_machine.move_to(at(MONDAY, resolve_at))
        service_request_transition(service_request=service_request, to="resolved", actor=desk.user)
        time_machine.move_to(MONDAY)
    raised(resident_member, category="ehs")

    time_machine.move_to(at(MONDAY, 9, days=1))
    page = desk.client.get("/staff/dashboard/")
    client.force_login(space_manager)

    table = next(table for table in page.context["tables"] if table.key == "service_requests")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["IT"] == [2.0, 2, 6.5, 12, 100.0, 2]
    assert rows["EHS / biosafety"] == ["—", 1, "—", 9, "—", 1]
    assert rows["Facilities"][-1] == 0
    assert "service_requests" not in {t.key for t in client.get("/staff/dashboard/").context["tables"]}
    export = desk.client.get("/staff/dashboard/?export=service_requests")
    assert export.status_code == 200 and "Median to first response" in export.content.decode("utf-8-sig")


def test_every_e_mail_of_a_request_leaves_through_the_outbox(resident_member, desk, campus_staff, mailed):
    from tenants.models import Notification

    _request, sent = mailed(lambda: raised(resident_member))

    assert len(sent) == Notification.objects.filter(kind="service_request:new").count() == 2
    assert all(message.to[0] in campus_staff for message in mail.outbox)


def test_staff_set_a_campus_target_in_the_admin_and_look_requests_up(staff_client, resident_member, campus):
    service_request = raised(resident_member)
    added = staff_client.post(
        "/admin/residents/servicetarget/add/",
        {"campus": campus.pk, "category": "ehs", "response_hours": "2", "resolution_hours": "1"},
    )
    assert added.status_code == 200 and "Resolution cannot be due before the first response." in added.content.decode()

    staff_client.post(
        "/admin/residents/servicetarget/add/",
        {"campus": campus.pk, "category": "ehs", "response_hours": "1", "resolution_hours": "6"},
    )

    assert ServiceTarget.objects.hours_for(campus.pk, "ehs") == (1, 6)
    assert ServiceTarget.objects.get().history.first().history_user.username == "staff"
    listing = staff_client.get("/admin/residents/servicerequest/?q=Leaking")
    assert listing.status_code == 200 and service_request.reference in listing.content.decode()
    assert staff_client.get(f"/admin/residents/servicerequest/{service_request.pk}/change/").status_code == 200
    assert staff_client.get("/admin/residents/servicerequest/add/").status_code == 403
