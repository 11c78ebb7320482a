"""Staff invite a new committee member, who sets a password through the e-mailed link and signs in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from tests.advisory.factories import AdvisoryMemberFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Granite-Heron-42"


def test_a_new_member_is_invited_sets_a_password_through_the_link_and_signs_in(
    client, campus, campus_manager, settings
):
    member = AdvisoryMemberFactory(committee__campus=campus, user=None, email="Carol.Expert@hospital.example.org")
    client.force_login(campus_manager)

    sent = client.post(
        "/admin/advisory/advisorymember/", {"action": "invite", "_selected_action": [member.pk]}, follow=True
    )

    assert "Invitations sent." in sent.content.decode()
    member.refresh_from_db()
    assert member.user is not None and member.user.email == member.email
    (message,) = mail.outbox
    assert message.to == [member.email] and "Set a password" in message.body
    link = re.search(r"https?://\S+", message.body).group()
    assert link.startswith(settings.SITE_URL + "/advisory/password-reset/")

    browser = Client()
    form = browser.get(urlsplit(link).path, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    done = browser.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/advisory/login/"

    signed_in = Client().post("/advisory/login/", {"username": member.user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/advisory/"
    used_again = Client().get(urlsplit(link).path, follow=True)
    assert "This link is not valid any more" in used_again.content.decode()


def test_a_member_who_has_an_account_is_sent_a_link_and_no_second_account(client, campus_manager, alice):
    client.force_login(campus_manager)

    client.post("/admin/advisory/advisorymember/", {"action": "invite", "_selected_action": [alice.pk]})

    (message,) = mail.outbox
    assert message.to == [alice.email] and "/advisory/password-reset/" in message.body
    alice.refresh_from_db()
    assert alice.user.username == "alice" and type(alice.user).objects.filter(email=alice.email).count() == 1
