"""Service requests over HTTP: the company raises and follows them in /my/requests/, staff work the
queue at /staff/requests/; every move is checked and recorded, internal notes stay internal, and
another company's request is a 404 everywhere."""

from __future__ import annotations

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from residents.choices import RequestState
from residents.models import ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent
from residents.services.requests import (
    COMPANY_MOVES,
    STAFF_MOVES,
    service_request_assign,
    service_request_note,
    service_request_reply,
)
from tests.personas import staff_in_role
from tests.residents.requests_setup import in_state, raised
from tests.tenants.helpers import PDF, pdf

pytestmark = pytest.mark.django_db

NOTE = "Supplier says the part is back-ordered; do not tell the company the price."


def _bodies(messages) -> str:
    return "\n".join(message.subject + "\n" + message.body for message in messages)


# --- Raising a request ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["resident_admin", "resident_member", "resident_finance"])
def test_anyone_of_the_company_raises_a_request_and_campus_staff_hear_of_it(persona, request, campus_staff, mailed):
    person = request.getfixturevalue(persona)
    data = {
        "category": "ehs",
        "subject": "Spill kit missing",
        "description": "The spill kit of BSL-2 lab 4-08 is gone.",
        "files": [pdf("photo.pdf"), pdf("floor-plan.pdf")],
    }

    response, sent = mailed(lambda: person.client.post("/my/requests/new/", data))

    service_request = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/my/requests/{service_request.pk}/"
    assert (service_request.company, service_request.raised_by, service_request.state) == (
        person.company,
        person.user,
        "new",
    )
    assert sorted(service_request.attachments.values_list("original_name", flat=True)) == [
        "floor-plan.pdf",
        "photo.pdf",
    ]
    assert sorted(message.to[0] for message in sent) == campus_staff
    assert "Spill kit missing" in sent[0].subject and f"/staff/requests/{service_request.pk}/" in sent[0].body
    assert service_request.events.get().kind == "raised"
    page = person.client.get(response["Location"]).content.decode()
    assert "Spill kit missing" in page and "photo.pdf" in page


def test_the_upload_rules_apply_and_what_was_typed_is_kept(resident_member):
    data = {
        "category": "it",
        "subject": "Printer offline",
        "description": "Since this morning.",
        "files": [SimpleUploadedFile("script.pdf", b"#!/bin/sh\necho hi\n")],
    }

    response = resident_member.client.post("/my/requests/new/", data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a PDF, PNG, JPEG or Word (.docx) file" in page and 'value="Printer offline"' in page
    assert not ServiceRequest.objects.exists()


def test_attachments_download_for_the_company_and_staff_only(resident_member, other_resident, desk, screening_officer):
    service_request = raised(resident_member, uploads=[pdf("plan.pdf")])
    attachment = service_request.attachments.get()
    officer = Client()
    officer.force_login(screening_officer)

    mine = resident_member.client.get(f"/my/requests/files/{attachment.pk}/")
    staff = desk.client.get(f"/staff/requests/files/{attachment.pk}/")

    assert mine.status_code == 200 and b"".join(mine.streaming_content) == PDF
    assert mine["Content-Disposition"].startswith("attachment") and mine["X-Content-Type-Options"] == "nosniff"
    assert staff.status_code == 200 and b"".join(staff.streaming_content) == PDF
    assert other_resident.client.get(f"/my/requests/files/{attachment.pk}/").status_code == 404
    assert officer.get(f"/staff/requests/files/{attachment.pk}/").status_code == 403
    assert desk.client.get(f"/my/requests/files/{attachment.pk}/").status_code == 404
    assert Client().get(f"/staff/requests/files/{attachment.pk}/").status_code == 302


# --- Replies and internal notes --------------------------------------------------------------


def test_the_company_reads_replies_but_never_internal_notes(resident_admin, resident_member, desk, mailed):
    service_request = raised(resident_member)

    _reply, reply_mails = mailed(
        lambda: desk.client.post(f"/staff/requests/{service_request.pk}/reply/", {"body": "A plumber comes at 14:00."})
    )
    _note, note_mails = mailed(lambda: desk.client.post(f"/staff/requests/{service_request.pk}/note/", {"body": NOTE}))

    assert sorted(message.to[0] for message in reply_mails) == sorted(
        [resident_admin.user.email, resident_member.user.email]
    ), "the person who raised it and the company admins"
    assert "A plumber comes at 14:00." in reply_mails[0].body
    assert note_mails == [], "a note is e-mailed to nobody"
    assert NOTE not in _bodies(reply_mails)
    page = resident_member.client.get(f"/my/requests/{service_request.pk}/").content.decode()
    assert "A plumber comes at 14:00." in page and "Dee Desk" in page
    assert NOTE not in page and "Internal note" not in page
    assert NOTE in desk.client.get(f"/staff/requests/{service_request.pk}/").content.decode()
    service_request.refresh_from_db()
    assert service_request.first_response_at is not None


def test_e_mails_carry_what_people_typed_as_typed(resident_member, desk, campus_staff, mailed):
    """Plain-text e-mails: an ampersand, quotes or angle brackets are not turned into HTML entities."""
    typed = 'R&D lab\'s "cold room" <4 °C>'
    service_request, to_staff = mailed(lambda: raised(resident_member, subject=typed, description=typed))
    _reply, to_company = mailed(
        lambda: service_request_reply(service_request=service_request, actor=desk.user, body=typed)
    )

    for message in (*to_staff, *to_company):
        assert typed in message.subject + message.body, message.subject
        assert "&amp;" not in message.body and "&#x27;" not in message.subject + message.body


def test_a_company_reply_goes_to_campus_staff_and_puts_a_waiting_request_back_to_work(
    resident_member, desk, campus_staff, mailed
):
    service_request = in_state(resident_member, "waiting", desk.user)
    page = resident_member.client.get(f"/my/requests/{service_request.pk}/").content.decode()
    assert "Which room?" in page and "Reply to the campus" in page and "Reopen it" not in page

    response, sent = mailed(
        lambda: resident_member.client.post(
            f"/my/requests/{service_request.pk}/reply/", {"body": "Room 3-12.", "files": [pdf("room.pdf")]}
        )
    )

    assert response.status_code == 302
    service_request.refresh_from_db()
    assert service_request.state == "in_progress"
    last = list(service_request.events.order_by("pk"))[-2:]
    assert [(e.kind, e.by_company, e.actor) for e in last] == [
        ("reply", True, resident_member.user),
        ("state", True, resident_member.user),
    ]
    assert last[0].attachments.get().original_name == "room.pdf"
    assert sorted(message.to[0] for message in sent) == campus_staff, "one e-mail per address: the reply"
    assert "Room 3-12." in sent[0].body


def test_a_closed_request_takes_no_more_replies(resident_member, desk):
    service_request = in_state(resident_member, "closed", desk.user)

    mine = resident_member.client.post(f"/my/requests/{service_request.pk}/reply/", {"body": "Hello?"})
    theirs = desk.client.post(f"/staff/requests/{service_request.pk}/reply/", {"body": "Hello?"})

    assert mine.status_code == 400 and theirs.status_code == 400
    assert "closed" in mine.content.decode()
    assert not service_request.events.filter(kind="reply").exists()


# --- States -----------------------------------------------------------------------------------

STATES = [state for state, _label in RequestState.choices]


@pytest.mark.parametrize(("start", "to"), list(itertools.product(STATES, STATES)))
def test_staff_make_exactly_the_moves_of_the_table(start, to, resident_member, desk, mailed):
    service_request = in_state(resident_member, start, desk.user)
    events_before = service_request.events.count()

    response, sent = mailed(
        lambda: desk.client.post(f"/staff/requests/{service_request.pk}/state/", {"to": to, "reason": "Because."})
    )

    service_request.refresh_from_db()
    if to in STAFF_MOVES[start]:
        assert response.status_code == 302
        assert service_request.state == to
        event = service_request.events.latest("pk")
        assert (event.kind, event.from_state, event.to_state, event.actor, event.body, event.internal) == (
            "state",
            start,
            to,
            desk.user,
            "Because.",
            False,
        )
        assert [message.to[0] for message in sent] == [resident_member.user.email]
        assert "Because." in sent[0].body
    else:
        assert response.status_code == 400
        assert "cannot be moved" in response.content.decode()
        assert service_request.state == start and service_request.events.count() == events_before
        assert sent == []


@pytest.mark.parametrize(("start", "to"), [("new", "waiting"), ("in_progress", "waiting"), ("resolved", "in_progress")])
def test_waiting_and_reopening_need_a_reason(start, to, resident_member, desk):
    service_request = in_state(resident_member, start, desk.user)

    response = desk.client.post(f"/staff/requests/{service_request.pk}/state/", {"to": to, "reason": " "})

    assert response.status_code == 400
    service_request.refresh_from_db()
    assert service_request.state == start


@pytest.mark.parametrize(("start", "to"), list(itertools.product(STATES, STATES)))
def test_the_company_makes_exactly_its_moves(start, to, resident_member, desk, campus_staff, mailed):
    service_request = in_state(resident_member, start, desk.user)

    response, sent = mailed(
        lambda: resident_member.client.post(
            f"/my/requests/{service_request.pk}/state/", {"to": to, "reason": "Still dripping."}
        )
    )

    service_request.refresh_from_db()
    if to in COMPANY_MOVES.get(start, set()):
        assert response.status_code == 302 and service_request.state == to
        event = service_request.events.latest("pk")
        assert (event.by_company, event.actor, event.from_state, event.to_state) == (
            True,
            resident_member.user,
            start,
            to,
        )
        assert sorted(message.to[0] for message in sent) == campus_staff
    else:
        assert response.status_code == 400 and service_request.state == start
        assert sent == []


def test_the_company_reopens_within_seven_days_of_resolution_and_not_after(resident_member, desk, time_machine):
    time_machine.move_to("2026-03-02 10:00 +08:00")
    service_request = in_state(resident_member, "resolved", desk.user)
    page = resident_member.client.get(f"/my/requests/{service_request.pk}/").content.decode()
    assert "Reopen it" in page

    time_machine.move_to("2026-03-09 10:30 +08:00")
    late = resident_member.client.post(
        f"/my/requests/{service_request.pk}/state/", {"to": "in_progress", "reason": "Dripping again."}
    )

    assert late.status_code == 400 and "within 7 days" in late.content.decode()
    assert "Reopen it" not in resident_member.client.get(f"/my/requests/{service_request.pk}/").content.decode()
    time_machine.move_to("2026-03-09 09:30 +08:00")
    in_time = resident_member.client.post(
        f"/my/requests/{service_request.pk}/state/", {"to": "in_progress", "reason": "Dripping again."}
    )
    assert in_time.status_code == 302
    service_request.refresh_from_db()
    assert (service_request.state, service_request.resolved_at) == ("in_progress", None)


# --- Assignment -------------------------------------------------------------------------------


def test_staff_assign_a_request_to_someone_who_works_requests(resident_member, desk, space_manager, mailed):
    service_request = raised(resident_member)
    colleague = staff_in_role("service_desk", "colleague")

    response, sent = mailed(
        lambda: desk.client.post(f"/staff/requests/{service_request.pk}/assign/", {"assignee": colleague.pk})
    )
    refused = desk.client.post(f"/staff/requests/{service_request.pk}/assign/", {"assignee": space_manager.pk})

    assert response.status_code == 302
    service_request.refresh_from_db()
    assert service_request.assignee == colleague
    assert [message.to[0] for message in sent] == [colleague.email]
    assert refused.status_code == 400
    event = service_request.events.get(kind="assigned")
    assert event.internal and event.actor == desk.user
    assert "colleague" not in resident_member.client.get(f"/my/requests/{service_request.pk}/").content.decode()


# --- The queue ---------------------------------------------------------------------------------


def test_the_queue_filters_by_state_category_campus_assignee_overdue_and_text(
    resident_member, other_resident, desk, time_machine
):
    time_machine.move_to("2026-03-02 09:00 +08:00")
    leak = raised(resident_member, subject="Leaking tap", category="facilities")
    wifi = raised(other_resident, subject="Wi-Fi down", category="it")
    done = in_state(resident_member, "resolved", desk.user, subject="Badge broken", category="access_cards")
    service_request_assign(service_request=wifi, assignee=desk.user, actor=desk.user)
    service_request_reply(service_request=leak, actor=desk.user, body="On it.")
    time_machine.move_to("2026-03-02 16:00 +08:00")  # past Wi-Fi's 4 working hours without a response

    def shown(query: str) -> set[str]:
        page = desk.client.get(f"/staff/requests/?{query}")
        assert page.status_code == 200
        return {item.subject for item in page.context["page"].object_list}

    assert shown("") == {"Leaking tap", "Wi-Fi down"}, "open requests by default"
    assert shown("state=all") == {"Leaking tap", "Wi-Fi down", "Badge broken"}
    assert shown("state=resolved") == {"Badge broken"}
    assert shown("category=it") == {"Wi-Fi down"}
    assert shown(f"campus={leak.campus.slug}") == {"Leaking tap", "Wi-Fi down"}
    assert shown("assignee=me") == {"Wi-Fi down"}
    assert shown("assignee=none") == {"Leaking tap"}
    assert shown(f"assignee={desk.user.pk}") == {"Wi-Fi down"}
    assert shown("overdue=on") == {"Wi-Fi down"}
    assert shown("q=nordic") == {"Wi-Fi down"}, "the company's name"
    assert shown(f"q=SR-{done.pk:05d}&state=all") == {"Badge broken"}
    assert shown("q=tap") == {"Leaking tap"}


def test_the_queue_pages_keep_the_filters(resident_member, desk):
    for number in range(26):
        raised(resident_member, subject=f"Request {number}", category="it")

    first = desk.client.get("/staff/requests/?category=it").content.decode()
    second = desk.client.get("/staff/requests/?category=it&page=2")

    assert "?category=it&amp;page=2" in first
    assert len(second.context["page"].object_list) == 1


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_both_lists_read_in_a_constant_number_of_queries(resident_member, desk, django_assert_max_num_queries):
    service_request = raised(resident_member)
    service_request_assign(service_request=service_request, assignee=desk.user, actor=desk.user)
    company_list, queue = _queries(resident_member.client, "/my/requests/"), _queries(desk.client, "/staff/requests/")
    for number in range(15):
        other = raised(resident_member, subject=f"Request {number}", category="it")
        service_request_assign(service_request=other, assignee=desk.user, actor=desk.user)

    with django_assert_max_num_queries(company_list):
        resident_member.client.get("/my/requests/")
    with django_assert_max_num_queries(queue):
        desk.client.get("/staff/requests/")


def test_a_request_page_reads_in_a_constant_number_of_queries(resident_member, desk, django_assert_max_num_queries):
    service_request = raised(resident_member, uploads=[pdf()])
    company_page = _queries(resident_member.client, f"/my/requests/{service_request.pk}/")
    staff_page = _queries(desk.client, f"/staff/requests/{service_request.pk}/")
    for number in range(5):
        service_request_reply(service_request=service_request, actor=desk.user, body=f"Reply {number}", uploads=[pdf()])
        service_request_note(service_request=service_request, actor=desk.user, body=f"Note {number}")

    with django_assert_max_num_queries(company_page):
        resident_member.client.get(f"/my/requests/{service_request.pk}/")
    with django_assert_max_num_queries(staff_page):
        desk.client.get(f"/staff/requests/{service_request.pk}/")


# --- Who reaches what --------------------------------------------------------------------------


def _object_urls(service_request: ServiceRequest, attachment: ServiceRequestAttachment) -> list[str]:
    """Every /my/requests/ route naming an object, read from the URL patterns, filled with company A's."""
    from residents.urls import urlpatterns

    routes = [str(p.pattern) for p in urlpatterns]
    routes = [route for route in routes if route.startswith("my/requests/") and "<" in route]
    assert len(routes) == 4, routes
    return [
        "/" + route.replace("<int:pk>", str(attachment.pk if "files/" in route else service_request.pk))
        for route in routes
    ]


def test_another_company_gets_404_on_every_url_of_a_request(resident_member, other_resident, desk):
    service_request = raised(resident_member, uploads=[pdf()])
    service_request_reply(service_request=service_request, actor=desk.user, body="Secret of company A.")
    attachment = service_request.attachments.get()

    for url in [*_object_urls(service_request, attachment), f"/zh-hans/my/requests/{service_request.pk}/"]:
        posted = other_resident.client.post(url, {"body": "x", "to": "closed", "reason": "x"})
        read = other_resident.client.get(url)
        assert posted.status_code == 404, url
        assert read.status_code in {404, 405}, url  # 405: a form's address, which only takes POST
        assert b"Secret of company A." not in posted.content + read.content
    assert b"Leaking tap" not in other_resident.client.get("/my/requests/").content
    assert service_request.events.count() == 2 and service_request.state == "new"


@pytest.mark.parametrize("who", ["desk", "screening_officer", "alice"])
def test_staff_and_advisory_sessions_get_404_in_my_requests(who, request, resident_member):
    persona = request.getfixturevalue(who)
    client = getattr(persona, "client", None)
    if client is None:
        client = Client()
        client.force_login(getattr(persona, "user", persona))
    service_request = raised(resident_member)

    for url in ["/my/requests/", "/my/requests/new/", f"/my/requests/{service_request.pk}/"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["anonymous", "applicant"])
def test_anonymous_and_applicants_are_sent_to_sign_in(who, request, resident_member):
    client = Client() if who == "anonymous" else request.getfixturevalue(who).client
    service_request = raised(resident_member)

    for url in ["/my/requests/", f"/my/requests/{service_request.pk}/", "/my/requests/new/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/my/login/"), url
    staff = client.get("/staff/requests/")
    assert staff.status_code == 302 and staff["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("role", "reads", "works"),
    [
        ("service_desk", 200, 302),
        ("campus_manager", 200, 302),
        ("auditor", 200, 403),
        ("screening_officer", 403, 403),
        ("space_manager", 403, 403),
        ("partnerships_manager", 403, 403),
    ],
)
def test_staff_roles_on_the_queue(role, reads, works, resident_member):
    service_request = raised(resident_member)
    client = Client()
    client.force_login(staff_in_role(role, f"{role}-person"))
    pk = service_request.pk

    for url in ["/staff/requests/", f"/staff/requests/{pk}/", f"/zh-hans/staff/requests/{pk}/"]:
        assert client.get(url).status_code == reads, url
    posts = {
        f"/staff/requests/{pk}/reply/": {"body": "Hello"},
        f"/staff/requests/{pk}/note/": {"body": "Hm"},
        f"/staff/requests/{pk}/state/": {"to": "in_progress"},
        f"/staff/requests/{pk}/assign/": {"assignee": ""},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == works, url


@pytest.mark.parametrize("who", ["resident_admin", "alice", "applicant"])
def test_people_who_are_not_staff_are_sent_to_the_staff_sign_in(who, request, resident_member):
    persona = request.getfixturevalue(who)
    client = getattr(persona, "client", None)
    if client is None:
        client = Client()
        client.force_login(persona.user)
    service_request = raised(resident_member)

    for url in ["/staff/requests/", f"/staff/requests/{service_request.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    assert client.post(f"/staff/requests/{service_request.pk}/note/", {"body": "x"}).status_code == 302
    assert not ServiceRequestEvent.objects.filter(kind="note").exists()


def test_the_staff_navigation_links_the_queue_for_roles_that_read_it(desk, space_manager):
    other = Client()
    other.force_login(space_manager)

    assert 'href="/staff/requests/"' in desk.client.get("/staff/").content.decode()
    assert 'href="/staff/requests/"' not in other.get("/staff/").content.decode()
