"""Committee members review what is assigned to them, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from advisory.models import AdvisoryCommittee, AdvisoryMember, Review
from advisory.services import likely_conflict, review_assign, review_declare, review_save, reviews_auto_assign
from tenants.choices import ApplicationStatus as S
from tenants.exceptions import InvalidTransition
from tenants.services.applications import application_transition
from tests.advisory.factories import AdvisoryMemberFactory
from tests.personas import MEMBER_PASSWORD
from tests.tenants.factories import ApplicationDocumentFactory, ApplicationFactory

pytestmark = pytest.mark.django_db

SCORES = {
    "innovation": "4",
    "team": "5",
    "market_potential": "3",
    "disease_management_fit": "4",
    "international_synergy": "5",
    "recommendation": "approve",
    "comment": "Strong science.",
}
# The same scores as a service receives them, the numbers as numbers.
SCORE_DATA = {name: int(value) if value.isdigit() else value for name, value in SCORES.items()}


@pytest.fixture
def application(campus):
    application = ApplicationFactory(
        status=S.COMMITTEE_REVIEW, campus=campus, company__campus=campus, company__name="Helix Diagnostics"
    )
    ApplicationDocumentFactory(application=application)
    return application


def _client_for(client, member):
    client.force_login(member.user)
    return client


def test_member_declares_no_conflict_scores_and_submits(client, application, alice, staff_user):
    review = review_assign(application=application, member=alice, actor=staff_user)
    c = _client_for(client, alice)

    first = c.get(f"/advisory/reviews/{review.pk}/").content.decode()
    assert "Declaration of interests" in first and "deck.pdf" not in first
    c.post(f"/advisory/reviews/{review.pk}/", {"declare": "1", "has_conflict": "no"})
    page = c.get(f"/advisory/reviews/{review.pk}/").content.decode()
    assert "deck.pdf" in page
    document = application.documents.get()
    assert c.get(document.get_download_url()).status_code == 200

    c.post(f"/advisory/reviews/{review.pk}/", {**SCORES, "save": "1", "innovation": "2"})
    review.refresh_from_db()
    assert review.innovation == 2 and not review.is_submitted
    c.post(f"/advisory/reviews/{review.pk}/", {**SCORES, "submit": "1"})
    review.refresh_from_db()
    assert review.is_submitted and review.innovation == 4

    c.post(f"/advisory/reviews/{review.pk}/", {**SCORES, "submit": "1", "innovation": "1"})
    review.refresh_from_db()
    assert review.innovation == 4  # a submitted review is locked


def test_submitting_needs_every_score(client, application, alice, staff_user):
    review = review_assign(application=application, member=alice, actor=staff_user)
    review_declare(review=review, actor=alice.user, has_conflict=False)

    response = _client_for(client, alice).post(f"/advisory/reviews/{review.pk}/", {**SCORES, "team": "", "submit": "1"})

    assert response.status_code == 200
    assert "Score every criterion" in response.content.decode()
    review.refresh_from_db()
    assert not review.is_submitted


def test_a_conflicted_member_sees_no_documents_and_cannot_score(client, application, alice, staff_user):
    review = review_assign(application=application, member=alice, actor=staff_user)
    c = _client_for(client, alice)
    c.post(f"/advisory/reviews/{review.pk}/", {"declare": "1", "has_conflict": "yes", "note": "I advise them."})

    page = c.get(f"/advisory/reviews/{review.pk}/").content.decode()
    assert "deck.pdf" not in page
    assert c.get(application.documents.get().get_download_url()).status_code == 404
    c.post(f"/advisory/reviews/{review.pk}/", {**SCORES, "submit": "1"})
    review.refresh_from_db()
    assert review.has_conflict and review.conflict_note == "I advise them." and not review.is_submitted


def test_a_member_never_sees_what_is_not_assigned_to_them(client, application, alice, bob, staff_user):
    review = review_assign(application=application, member=alice, actor=staff_user)
    review_declare(review=review, actor=alice.user, has_conflict=False)
    c = _client_for(client, bob)

    assert c.get(f"/advisory/reviews/{review.pk}/").status_code == 404
    assert c.post(f"/advisory/reviews/{review.pk}/", {**SCORES, "submit": "1"}).status_code == 404
    assert c.get(application.documents.get().get_download_url()).status_code == 404
    assert "Helix" not in c.get("/advisory/").content.decode()


def test_non_members_are_refused_the_area(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="visitor"))

    assert client.get("/advisory/").status_code == 403
    assert client.__class__().get("/advisory/").status_code == 302


def test_blind_rounds_hide_the_company(client, application, alice, staff_user):
    AdvisoryCommittee.objects.filter(campus=application.campus).update(blind_reviews=True)
    review = review_assign(application=application, member=alice, actor=staff_user)
    review_declare(review=review, actor=alice.user, has_conflict=False)

    c = _client_for(client, alice)
    for page in [c.get("/advisory/").content.decode(), c.get(f"/advisory/reviews/{review.pk}/").content.decode()]:
        assert "Helix" not in page and "deck.pdf" not in page and "@applicant.example.com" not in page


def test_decision_counts_completed_reviews(application, alice, bob, staff_user):
    for member in (alice, bob):
        review = review_assign(application=application, member=member, actor=staff_user)
        review_declare(review=review, actor=member.user, has_conflict=False)
        if member is alice:
            review_save(
                review=review,
                actor=member.user,
                data=SCORE_DATA,
                submit=True,
            )

    with pytest.raises(InvalidTransition):
        application_transition(application=application, to=S.APPROVED, actor=staff_user)

    bob_review = Review.objects.get(member=bob)
    review_save(
        review=bob_review,
        actor=bob.user,
        data=SCORE_DATA,
        submit=True,
    )
    application_transition(application=application, to=S.APPROVED, actor=staff_user)
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_members_whose_term_ended_cannot_be_assigned(application, alice, staff_user):
    alice.term_ends_on = dt.date(2021, 1, 1)
    alice.save()
    from common.errors import DomainError

    with pytest.raises(DomainError, match="term"):
        review_assign(application=application, member=alice, actor=staff_user)


def test_likely_conflicts_are_flagged_and_left_out_of_automatic_assignment(application, alice, staff_user):
    insider = AdvisoryMemberFactory(committee=alice.committee, name="Insider", organisation="Helix Diagnostics")

    assert likely_conflict(insider, application) and not likely_conflict(alice, application)
    assigned = reviews_auto_assign(application=application, actor=staff_user, count=3)
    assert [r.member for r in assigned] == [alice]


def test_staff_summary_shows_means_spread_calibration_and_disagreement(
    staff_client, application, alice, bob, staff_user
):
    for member, innovation in ((alice, 1), (bob, 5)):
        review = review_assign(application=application, member=member, actor=staff_user)
        review_declare(review=review, actor=member.user, has_conflict=False)
        data = SCORE_DATA | {"innovation": innovation}
        review_save(review=review, actor=member.user, data=data, submit=True)

    response = staff_client.get(reverse("advisory:staff_reviews", args=[application.pk]))

    criteria = response.context["summary"]["criteria"]
    assert criteria["innovation"]["mean"] == 3 and criteria["innovation"]["disagreement"]
    assert not criteria["team"]["disagreement"]
    assert "Alice Reviewer" in response.content.decode()


def test_staff_share_a_comment_with_the_applicant(staff_client, client, application, alice, staff_user):
    review = review_assign(application=application, member=alice, actor=staff_user)
    review_declare(review=review, actor=alice.user, has_conflict=False)
    review_save(
        review=review,
        actor=alice.user,
        data=SCORE_DATA,
        submit=True,
    )
    staff_client.post(reverse("advisory:staff_share_comment", args=[review.pk]), {"share": "1"})

    session = client.session
    session["applicant"] = {"application": application.pk, "email": ""}
    session.save()
    page = client.get("/apply/status/").content.decode()

    assert "Strong science." in page and "Alice" not in page


def test_sign_in_attempts_are_limited(client, alice, settings):
    """Per address (django-ratelimit) and per account and address (django-axes lock-out)."""
    settings.ADVISORY_LOGIN_RATE = "5/15m"
    settings.AXES_FAILURE_LIMIT = 5

    codes = [
        client.post("/advisory/login/", {"username": alice.user.username, "password": "wrong"}).status_code
        for _ in range(6)
    ]

    assert codes[:4] == [200] * 4 and codes[4:] == [429, 429]
    right = client.post("/advisory/login/", {"username": alice.user.username, "password": MEMBER_PASSWORD})
    assert right.status_code == 429 and "_auth_user_id" not in client.session


def test_member_signs_in_to_the_dashboard(client, alice):
    response = client.post("/advisory/login/", {"username": alice.user.username, "password": MEMBER_PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/advisory/"


def test_dashboard_runs_a_fixed_number_of_queries(client, alice, staff_user, django_assert_max_num_queries):
    for _ in range(8):
        review_assign(
            application=ApplicationFactory(
                status=S.COMMITTEE_REVIEW, campus=alice.committee.campus, company__campus=alice.committee.campus
            ),
            member=alice,
            actor=staff_user,
        )

    member_client = _client_for(client, alice)
    with django_assert_max_num_queries(7):  # 6, and one for the residents' milestone panel
        assert member_client.get("/advisory/").status_code == 200


def test_public_committee_page_lists_members_who_agreed(client, alice, bob):
    AdvisoryMember.objects.filter(pk=alice.pk).update(is_listed=True)

    page = client.get("/committee/").content.decode()
    chinese = client.get("/zh-hans/committee/").content.decode()

    assert "Alice Reviewer" in page and "Bob Reviewer" not in page and "University" in page
    assert "顾问委员会" in chinese


def test_bulk_assignment_from_the_application_list(staff_client, application, alice, bob):
    draft = ApplicationFactory(status=S.DRAFT, campus=application.campus, company__campus=application.campus)

    response = staff_client.post(
        reverse("admin:tenants_application_changelist"),
        {"action": "assign_reviewers_automatically", "_selected_action": [application.pk, draft.pk]},
        follow=True,
    )

    assert set(Review.objects.filter(application=application).values_list("member__name", flat=True)) == {
        "Alice Reviewer",
        "Bob Reviewer",
    }
    assert not Review.objects.filter(application=draft).exists()
    assert "skipped" in response.content.decode()
