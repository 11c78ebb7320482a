"""Residents' accounts: approval invites the contacts, an invitation becomes an account once,
company admins run their team, and the last admin stays."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from residents.models import Invitation, Membership
from residents.services.members import contacts_invite, invitation_send
from tenants.services.applications import application_transition
from tests.personas import RESIDENT_PASSWORD
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

STRONG = "Lab-bench-2019!"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Send an invitation as the services do, its e-mail delivered after the commit."""

    def send(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_send(**kwargs)

    return send


def link_in(message) -> str:
    return re.search(r"https?://\S+/my/join/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_approval_invites_every_contact_the_primary_one_as_company_admin(
    campus, staff_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(campus=campus, company__campus=campus, status="committee_review")
    application.contacts.create(name="Bea Second", email="bea@helix.example.com", is_primary=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to="approved", actor=staff_user, override_reason="test")

    invitations = {i.email: i.role for i in Invitation.objects.filter(company=application.company)}
    assert invitations == {application.primary_contact.email.lower(): "admin", "bea@helix.example.com": "member"}
    invitation_mails = [m for m in mail.outbox if "/my/join/" in m.body]
    assert sorted(m.to[0] for m in invitation_mails) == sorted(invitations)

    assert contacts_invite(application=application) == [], "the approval event may arrive twice"
    assert Invitation.objects.filter(company=application.company).count() == 2


def test_an_invitation_becomes_an_account_once_without_the_token_in_the_address(client, resident_company, invite):
    invite(company=resident_company, email="Lin@Helix.example.com", role="admin", name="Lin")
    link = path_of(link_in(mail.outbox[-1]))

    opened = client.get(link)
    assert opened.status_code == 303 and opened["Location"] == "/my/join/"
    assert opened["Referrer-Policy"] == "no-referrer"
    form = client.get("/my/join/")
    assert "Helix Therapeutics" in form.content.decode()

    joined = client.post("/my/join/", {"name": "Lin Wei", "password1": STRONG, "password2": STRONG})

    assert joined.status_code == 302 and joined["Location"] == "/my/"
    membership = Membership.objects.get(user__email="lin@helix.example.com")
    assert (membership.company, membership.role, membership.user.first_name) == (resident_company, "admin", "Lin Wei")
    assert client.get("/my/").status_code == 200
    again = client.__class__().get(link, follow=True)
    assert again.status_code == 404 and "not valid any more" in again.content.decode()


def test_a_weak_or_mismatched_password_is_named_and_the_name_kept(client, resident_company, invite):
    invite(company=resident_company, email="lin@helix.example.com")
    client.get(path_of(link_in(mail.outbox[-1])))

    mismatched = client.post("/my/join/", {"name": "Lin Wei", "password1": STRONG, "password2": STRONG + "x"})
    weak = client.post("/my/join/", {"name": "Lin Wei", "password1": "lin", "password2": "lin"})

    assert "The two passwords are not the same." in mismatched.content.decode()
    assert 'value="Lin Wei"' in mismatched.content.decode()
    assert "This password is too short" in weak.content.decode()
    assert not get_user_model().objects.filter(email="lin@helix.example.com").exists()


def test_one_person_belongs_to_one_company(resident_admin, other_resident):
    response = other_resident.client.post(
        "/my/team/invite/", {"email": resident_admin.user.email, "name": "", "role": "member"}
    )

    assert response.status_code == 400
    assert "already has an account on the portal" in response.content.decode()
    assert not Invitation.objects.filter(email=resident_admin.user.email).exists()


def test_residents_sign_in_with_their_address_and_land_in_their_area(client, resident_member):
    response = client.post(
        "/my/login/", {"username": resident_member.user.email, "password": RESIDENT_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/my/"
    assert "Helix Therapeutics" in response.content.decode()


def test_a_company_admin_invites_a_colleague_in_the_admins_language(resident_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = resident_admin.client.post(
            "/zh-hans/my/team/invite/", {"email": "kai@helix.example.com", "name": "Kai", "role": "finance"}
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="kai@helix.example.com")
    assert (invitation.role, invitation.language, invitation.invited_by) == ("finance", "zh-hans", resident_admin.user)
    assert mail.outbox[-1].to == ["kai@helix.example.com"] and "/my/join/" in mail.outbox[-1].body
    assert "加入" in mail.outbox[-1].subject, "in the language the admin used"


@pytest.mark.parametrize("persona", ["resident_member", "resident_finance"])
def test_only_company_admins_manage_the_team(persona, resident_admin, request):
    person = request.getfixturevalue(persona)

    assert person.client.get("/my/team/").status_code == 200
    assert person.client.post("/my/team/invite/", {"email": "x@helix.example.com", "role": "admin"}).status_code == 403
    url = f"/my/team/{resident_admin.membership.pk}/role/"
    assert person.client.post(url, {"role": "member"}).status_code == 403
    resident_admin.membership.refresh_from_db()
    assert resident_admin.membership.role == "admin"


def test_the_last_company_admin_can_be_neither_removed_nor_demoted(resident_admin, resident_member):
    demoted = resident_admin.client.post(
        f"/my/team/{resident_admin.membership.pk}/role/", {"role": "member"}, follow=True
    )
    removed = resident_admin.client.post(f"/my/team/{resident_admin.membership.pk}/remove/", follow=True)

    assert "at least one company admin" in demoted.content.decode()
    assert "at least one company admin" in removed.content.decode()
    resident_admin.membership.refresh_from_db()
    assert resident_admin.membership.role == "admin"


def test_a_removed_person_is_signed_out_everywhere(resident_admin, resident_member):
    response = resident_admin.client.post(f"/my/team/{resident_member.membership.pk}/remove/")

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=resident_member.membership.pk).exists()
    assert resident_member.client.get("/my/").status_code == 302, "back to the sign-in page"


def test_a_removed_person_can_be_invited_again_here_or_by_another_company(
    client, resident_admin, resident_member, other_resident, django_capture_on_commit_callbacks
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=resident_member.user, name="old phone", confirmed=True)
    resident_admin.client.post(f"/my/team/{resident_member.membership.pk}/remove/")
    email = resident_member.user.email.upper()  # typed in another case by the new company

    with django_capture_on_commit_callbacks(execute=True):
        response = other_resident.client.post("/my/team/invite/", {"email": email, "name": "", "role": "member"})
    assert response.status_code == 302, "a person who left one company may join another"
    client.get(path_of(link_in(mail.outbox[-1])))
    joined = client.post("/my/join/", {"name": "Max Moved", "password1": STRONG, "password2": STRONG})

    assert joined.status_code == 302 and joined["Location"] == "/my/"
    user = get_user_model().objects.get(email__iexact=email)
    assert user.pk == resident_member.user.pk, "the closed account is opened again, not a second one"
    assert (user.is_active, user.membership.company, user.first_name) == (True, other_resident.company, "Max Moved")
    assert not TOTPDevice.objects.filter(user=user).exists(), "the old authenticator went with the old account"
    assert resident_member.client.get("/my/").status_code == 302, "the old session stays signed out"


@pytest.mark.parametrize("kind", ["staff", "advisory", "superuser"])
def test_an_inactive_staff_or_advisory_account_is_never_taken_over_by_an_invitation(kind, resident_admin, alice):
    users = get_user_model().objects
    if kind == "advisory":
        user = alice.user
    else:
        user = users.create_user(username=kind, email=f"{kind}@campus.example.org", is_staff=True)
        user.is_superuser = kind == "superuser"
    user.is_active = False
    user.save()

    refused = resident_admin.client.post("/my/team/invite/", {"email": user.email, "name": "", "role": "admin"})

    assert refused.status_code == 400 and "already has an account" in refused.content.decode()


def test_an_account_made_for_the_address_meanwhile_is_a_refusal_not_an_error(
    client, resident_company, invite, monkeypatch
):
    """Two invitations to one address accepted at the same moment: the second finds the account made."""
    from residents.services import members

    invite(company=resident_company, email="lin@helix.example.com")
    client.get(path_of(link_in(mail.outbox[-1])))
    get_user_model().objects.create_user(username="lin@helix.example.com", email="lin@helix.example.com")
    monkeypatch.setattr(members, "_address_taken", lambda email: False)  # as if checked before that commit

    response = client.post("/my/join/", {"name": "Lin Wei", "password1": STRONG, "password2": STRONG})

    assert response.status_code == 200 and "sign in instead" in response.content.decode()
    assert not Membership.objects.exists()


def test_a_resident_asks_the_committee_for_counsel_and_sees_only_its_own_requests(resident_member, other_resident):
    from advisory.models import Consultation

    response = resident_member.client.post(
        "/my/consultations/", {"topic": "NMPA registration", "question": "Which class is our device?"}
    )
    other_resident.client.post("/my/consultations/", {"topic": "Funding", "question": "Series A?"})

    assert response.status_code == 302
    consultation = Consultation.objects.get(company=resident_member.company)
    assert consultation.requested_by == resident_member.user.email
    page = resident_member.client.get("/my/consultations/").content.decode()
    assert "NMPA registration" in page and "Series A?" not in page


def test_a_resident_answers_the_yearly_survey_once(resident_finance):
    from tenants.models import OutcomeSurvey

    survey = OutcomeSurvey.objects.create(company=resident_finance.company, year=2026)
    answers = dict.fromkeys(OutcomeSurvey.ANSWER_FIELDS, "3")

    incomplete = resident_finance.client.post("/my/outcomes/", {"survey": survey.pk})
    answered = resident_finance.client.post("/my/outcomes/", {"survey": survey.pk, **answers})
    again = resident_finance.client.post("/my/outcomes/", {"survey": survey.pk, **{**answers, "head_count": "99"}})

    assert incomplete.status_code == 400 and "This field is required." in incomplete.content.decode()
    assert answered.status_code == 302
    survey.refresh_from_db()
    assert survey.answered_at is not None
    assert again.status_code == 302
    survey.refresh_from_db()
    assert survey.head_count == 3, "an answered survey is not answered again"


@pytest.mark.parametrize("who", ["other_resident", "screening_officer", "alice"])
def test_inviting_an_address_in_use_says_the_same_whoever_holds_it(who, resident_admin, request):
    person = request.getfixturevalue(who)
    email = getattr(person, "user", person).email

    response = resident_admin.client.post("/my/team/invite/", {"email": email, "name": "", "role": "member"})

    assert response.status_code == 400
    assert "This address already has an account on the portal; invite another address." in response.content.decode()


def test_a_residents_password_reset_e_mails_residents_only(client, resident_member, screening_officer, mailoutbox):
    for email in (resident_member.user.email, screening_officer.email):
        response = client.post("/my/password-reset/", {"email": email})
        assert response.status_code == 302  # the same answer either way

    assert [message.to for message in mailoutbox] == [[resident_member.user.email]]
