"""Members see their meetings (with a calendar entry) and log consultations residents asked for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from advisory.models import Consultation, Meeting
from advisory.services import consultation_assign
from tenants.choices import CompanyStatus
from tests.personas import applicant_following
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_invited_members_see_the_meeting_and_download_its_calendar_entry(client, alice, bob):
    meeting = Meeting.objects.create(
        committee=alice.committee,
        title="Spring review session",
        place="Building A, room 402",
        starts_at=timezone.now() + dt.timedelta(days=7),
        agenda="Applications; mentoring",
    )
    meeting.invitees.add(alice)
    client.force_login(alice.user)

    assert "Spring review session" in client.get("/advisory/").content.decode()
    ics = client.get(f"/advisory/meetings/{meeting.pk}/calendar.ics")
    body = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar")
    assert (
        "BEGIN:VEVENT" in body and "SUMMARY:Spring review session" in body and "LOCATION:Building A\\, room 402" in body
    )
    client.force_login(bob.user)
    assert client.get(f"/advisory/meetings/{meeting.pk}/calendar.ics").status_code == 404


def test_resident_asks_for_counsel_member_logs_a_session_company_sees_the_outcome(client, campus, alice, bob):
    application = ApplicationFactory(campus=campus, company__campus=campus, company__status=CompanyStatus.RESIDENT)
    applicant_following(application, "ceo@co.example", client)

    client.post("/apply/consultations/", {"topic": "Regulatory path", "question": "NMPA class II or III?"})
    consultation = Consultation.objects.get()
    assert consultation.requested_by == "ceo@co.example"
    consultation_assign(consultation=consultation, member=alice)

    from django.test import Client

    member_client = Client()
    member_client.force_login(alice.user)
    member_client.post(
        f"/advisory/consultations/{consultation.pk}/",
        {"held_on": "2026-03-01", "duration_minutes": "60", "notes": "internal only", "notes_for_company": "Class II."},
    )
    page = client.get("/apply/consultations/").content.decode()
    assert "Class II." in page and "internal only" not in page

    outsider = Client()
    outsider.force_login(bob.user)
    assert outsider.get(f"/advisory/consultations/{consultation.pk}/").status_code == 404


def test_applicants_cannot_ask_for_counsel_before_approval(client, campus, alice):
    applicant_following(ApplicationFactory(campus=campus, company__campus=campus), client=client)

    response = client.post("/apply/consultations/", {"topic": "T", "question": "Q"})

    assert "resident companies" in response.content.decode()
    assert not Consultation.objects.exists()
