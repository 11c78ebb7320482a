"""The demo committee at work: reviews of the demo applications, meetings, and counsel for residents.

The "Demo Member" people get accounts with a password nobody knows: "Forgotten your password?" at
/advisory/login/ with their example.org address sets one. Each member scores with a leaning of
their own, so the calibrated scores on the staff review page have a history to measure against.
Made through the services, dated back, and once only: running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tenants.choices import ApplicationStatus
from tenants.models import Application, Company

from .choices import ConsultationStatus, Recommendation
from .models import CRITERIA, AdvisoryCommittee, AdvisoryMember, Consultation, Meeting, Review
from .services import (
    consultation_assign,
    consultation_log_session,
    consultation_request,
    review_assign,
    review_declare,
    review_save,
)

#: Each member's leaning, by position: added to an application's quality (a lenient or strict reader).
LEANINGS = [1, 0, -1, 0, 1]
#: Criterion offsets, so the five scores of a review differ.
SHAPE = [0, 1, 0, -1, 0]


def member_accounts(committee: AdvisoryCommittee) -> list[AdvisoryMember]:
    """An account for each demo member without one, under its example.org address, with a password
    nobody knows: "Forgotten your password?" at /advisory/login/ sets one."""
    User = get_user_model()
    members = list(committee.members.filter(is_demo=True).order_by("name"))
    unknown = None  # one random password nobody knows (a password reset works only for a usable one), hashed once
    for member in members:
        if member.user_id is not None:
            continue
        user = User.objects.filter(username=member.email).first()
        if user is None:
            unknown = unknown or make_password(secrets.token_urlsafe(24))
            user = User.objects.create(
                username=member.email, email=member.email, first_name=member.name, password=unknown
            )
        member.user = user
        member.save(update_fields=["user"])
    return members


def _scores(quality: int, leaning: int) -> dict:
    scores = {c: max(1, min(5, quality + leaning + SHAPE[i])) for i, c in enumerate(CRITERIA)}
    mean = sum(scores.values()) / len(scores)
    if mean >= 3.8:
        recommendation = Recommendation.APPROVE
    elif mean >= 2.8:
        recommendation = Recommendation.APPROVE_WITH_CONDITIONS
    else:
        recommendation = Recommendation.REJECT
    return {**scores, "recommendation": recommendation, "comment": "Demo review: illustrative scores."}


def reviews_write(application: Application, quality: int, when: dt.datetime, *, staff, submitted: int = 3) -> None:
    """Assign three members and have the first ``submitted`` of them declare and score, on ``when``."""
    members = member_accounts(application.campus.advisory_committee)
    leaning = {m.pk: LEANINGS[i % len(LEANINGS)] for i, m in enumerate(members)}
    # Three members in turn, so each builds a history of reviews (staff would use "assign automatically").
    first = sum(map(ord, application.company.name)) % max(1, len(members))
    chosen = (members[first:] + members[:first])[:3]
    reviews = [review_assign(application=application, member=member, actor=staff) for member in chosen]
    for index, review in enumerate(reviews):
        Review.objects.filter(pk=review.pk).update(assigned_at=when - dt.timedelta(days=2))
        if index >= submitted:
            continue
        member = review.member
        review_declare(review=review, actor=member.user, has_conflict=False)
        review_save(review=review, actor=member.user, data=_scores(quality, leaning.get(member.pk, 0)), submit=True)
        Review.objects.filter(pk=review.pk).update(
            declared_at=when - dt.timedelta(days=1), submitted_at=when + dt.timedelta(hours=index)
        )


def committee_review_hook(staff):
    """The ``committee_review`` step of ``tenants.demo_history``: reviews, all in before a decision."""

    def hook(application, story, when) -> None:
        in_review = application.status == ApplicationStatus.COMMITTEE_REVIEW and story.path[-1] == application.status
        submitted = (2 if story.quality >= 4 else 1) if in_review else 3
        reviews_write(application, story.quality, when, staff=staff, submitted=submitted)

    return hook


#: (days from today, title, agenda, minutes): past meetings have minutes and attendees.
MEETINGS = [
    (
        -300,
        "Demo: spring intake review",
        "Applications in committee review; the year's intake.",
        "Demo minutes: two applications recommended, one declined.",
    ),
    (
        -120,
        "Demo: autumn intake review",
        "Applications in committee review; mentoring of residents.",
        "Demo minutes: one application recommended; mentors named for two residents.",
    ),
    (
        -35,
        "Demo: quarterly meeting",
        "Onboarding of approved companies; counsel requests.",
        "Demo minutes: onboarding reviewed; counsel sessions agreed.",
    ),
    (21, "Demo: next intake review", "Applications in committee review.", ""),
]


def meetings_load(committee: AdvisoryCommittee) -> list[Meeting]:
    """Three past meetings with minutes and one to come, each with the demo members invited; once each."""
    members = list(committee.members.filter(is_demo=True).order_by("name"))
    now = timezone.now()
    meetings = []
    for days, title, agenda, minutes in MEETINGS:
        meeting, created = Meeting.objects.get_or_create(
            committee=committee,
            title=title,
            defaults={
                "starts_at": (now + dt.timedelta(days=days)).replace(hour=6, minute=0, second=0, microsecond=0),
                "place": "Demo: meeting room, building A",
                "agenda": agenda,
                "minutes": minutes,
            },
        )
        if created:
            meeting.invitees.set(members)
            if minutes:
                meeting.attendees.set(members[:-1])
            in_review = Application.objects.filter(
                campus=committee.campus, status=ApplicationStatus.COMMITTEE_REVIEW, is_demo=True
            )
            if days > 0:
                meeting.applications.set(in_review)
        meetings.append(meeting)
    return meetings


#: (topic, question, sessions held (days ago, minutes, notes for the company), closed)
CONSULTATIONS = [
    (
        "Demo: clinical trial design in China",
        "Demo question: how should we plan a bridging study for NMPA?",
        [(40, 60, "Demo: start from the NMPA's guidance on overseas data.")],
        True,
    ),
    (
        "Demo: hospital partnerships",
        "Demo question: which hospitals run early-detection studies with companies?",
        [(12, 45, "Demo: two introductions agreed.")],
        False,
    ),
    ("Demo: pricing for the Chinese market", "Demo question: how do hospitals buy diagnostic tests?", [], False),
]


@transaction.atomic
def consultations_load(committee: AdvisoryCommittee, companies: list[Company]) -> list[Consultation]:
    """Counsel asked by residents: one closed, one under way, one waiting for a member; once each."""
    members = member_accounts(committee)
    made = []
    for index, (topic, question, sessions, closed) in enumerate(CONSULTATIONS if companies and members else []):
        company = companies[index % len(companies)]
        if Consultation.objects.filter(company=company, topic=topic).exists():
            continue
        consultation = consultation_request(company=company, topic=topic, question=question, actor=None)
        Consultation.objects.filter(pk=consultation.pk).update(requested_at=timezone.now() - dt.timedelta(days=50))
        if sessions or closed:
            member = members[index % len(members)]
            consultation = consultation_assign(consultation=consultation, member=member)
            for days_ago, minutes, notes in sessions:
                consultation_log_session(
                    consultation=consultation,
                    actor=member.user,
                    held_on=timezone.localdate() - dt.timedelta(days=days_ago),
                    duration_minutes=minutes,
                    notes_for_company=notes,
                )
        if closed:
            Consultation.objects.filter(pk=consultation.pk).update(status=ConsultationStatus.CLOSED)
        made.append(consultation)
    return made
