"""A committee member reviews in a real browser; staff then decide with the reviews counted."""

from __future__ import annotations

import datetime as dt

import pytest

from advisory.models import AdvisoryCommittee, AdvisoryMember, Review
from advisory.services import review_assign, review_declare, review_save
from tenants.choices import ApplicationStatus
from tenants.models import Application
from tests.tenants.factories import ApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCORES = {
    "innovation": 4,
    "team": 4,
    "market_potential": 3,
    "disease_management_fit": 5,
    "international_synergy": 4,
    "recommendation": "approve",
}


def _member(committee, django_user_model, name):
    username = name.split()[0].lower()
    user = django_user_model.objects.create_user(username=username, password=f"{username}-Passw0rd!")
    return AdvisoryMember.objects.create(
        committee=committee,
        user=user,
        name=name,
        email=f"{username}@example.org",
        organisation="Demo University",
        sector="university",
        origin="overseas",
        term_starts_on=dt.date(2020, 1, 1),
    )


def test_member_reviews_and_staff_decide_with_the_reviews_counted(page, live_server, django_user_model):
    application = ApplicationFactory(status=ApplicationStatus.COMMITTEE_REVIEW, company__name="Helix Diagnostics")
    committee = AdvisoryCommittee.objects.create(campus=application.campus)
    alice, bob = (_member(committee, django_user_model, n) for n in ("Alice Reviewer", "Bob Reviewer"))
    staff = django_user_model.objects.create_superuser(
        username="chair", email="c@example.org", password="chair-Passw0rd!"
    )
    review = review_assign(application=application, member=alice, actor=staff)
    bob_review = review_assign(application=application, member=bob, actor=staff)

    page.goto(f"{live_server.url}/advisory/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-Passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Helix Diagnostics").click()
    page.get_by_label("No, I have no conflict of interest").check()
    page.get_by_role("button", name="Declare").click()
    for field, value in SCORES.items():
        page.locator(f"#id_{field}").select_option(str(value))
    page.get_by_label("Comment").fill("Convincing early-detection data.")
    page.get_by_role("button", name="Submit review").click()
    assert "Review submitted" in page.content()
    review.refresh_from_db()
    assert review.is_submitted and review.disease_management_fit == 5

    page.context.clear_cookies()  # the member signs out; the chair signs in
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chair")
    page.fill("#id_password", "chair-Passw0rd!")
    page.click("input[type=submit]")
    transition = f"{live_server.url}/admin/tenants/application/{application.pk}/transition/"
    page.goto(transition)
    page.select_option("#id_to", "approved")
    page.click("input[type=submit]")
    assert "1 more completed advisory review" in page.content()
    assert Application.objects.get().status == ApplicationStatus.COMMITTEE_REVIEW

    review_declare(review=bob_review, member=bob, has_conflict=False)
    review_save(review=bob_review, member=bob, data=SCORES, submit=True)
    page.goto(transition)
    page.select_option("#id_to", "approved")
    page.click("input[type=submit]")

    assert Application.objects.get().status == ApplicationStatus.APPROVED
    assert Review.objects.completed().count() == 2
