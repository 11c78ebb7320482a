"""A committee member reviews in a real browser; staff then decide with the reviews counted."""

from __future__ import annotations

import pytest

from advisory.models import Review
from advisory.services import review_assign, review_declare, review_save
from tenants.choices import ApplicationStatus
from tenants.models import Application
from tests.personas import MEMBER_PASSWORD
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


def test_member_reviews_and_staff_decide_with_the_reviews_counted(
    page, live_server, django_user_model, campus, alice, bob
):
    application = ApplicationFactory(
        status=ApplicationStatus.COMMITTEE_REVIEW,
        campus=campus,
        company__campus=campus,
        company__name="Helix Diagnostics",
    )
    staff = django_user_model.objects.create_superuser(
        username="chair", email="c@example.org", password="chair-Passw0rd!"
    )
    review = review_assign(application=application, member=alice, actor=staff)
    bob_review = review_assign(application=application, member=bob, actor=staff)

    page.goto(f"{live_server.url}/advisory/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(MEMBER_PASSWORD)
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

    review_declare(review=bob_review, actor=bob.user, has_conflict=False)
    review_save(review=bob_review, actor=bob.user, data=SCORES, submit=True)
    page.goto(transition)
    page.select_option("#id_to", "approved")
    page.click("input[type=submit]")

    assert Application.objects.get().status == ApplicationStatus.APPROVED
    assert Review.objects.completed().count() == 2
