"""An applicant fills the multi-step form, saves the draft, submits, follows and withdraws it."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.choices import ApplicationStatus
from tenants.models import AccessLink, Application, ApplicationDocument, ApplicationEdit
from tests.tenants.helpers import (
    company_data,
    contacts_data,
    docx_bytes,
    fill_draft,
    last_mail_to,
    link_from,
    needs_data,
    pdf,
    use_link,
)

pytestmark = pytest.mark.django_db(transaction=True)  # mail goes out after commit


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.CAMPUS_STAFF_EMAILS = ["screening@campus.example.org"]


def test_full_application_is_submitted_and_confirmed(client, campus):
    fill_draft(client, campus)

    response = client.post("/apply/review/")

    assert response.status_code == 302 and response["Location"] == "/apply/status/"
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.company.name == "Helix Diagnostics"
    assert application.transitions.get().to_status == ApplicationStatus.SUBMITTED
    confirmation = last_mail_to("ada@helix.example.com")
    assert "We received the application of Helix Diagnostics" in confirmation.subject
    assert "/apply/status/" in confirmation.body
    assert "Helix Diagnostics" in last_mail_to("screening@campus.example.org").subject
    status_page = client.get("/apply/status/").content.decode()
    assert "Submitted" in status_page


def test_chinese_applicant_gets_chinese_mail(client, campus):
    fill_draft(client, campus, prefix="/zh-hans")

    client.post("/zh-hans/apply/review/")

    application = Application.objects.get()
    assert application.language == "zh-hans"
    assert "我们已收到 Helix Diagnostics 的申请" in last_mail_to("ada@helix.example.com").subject


def test_each_step_shows_errors_next_to_the_field_and_keeps_what_was_typed(client, campus):
    response = client.post("/apply/", company_data(campus, name="", website="not a website", founded_year="2999"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "website", "founded_year"}
    page = response.content.decode()
    assert "Blood tests for early cancer detection." in page
    assert "not a website" in page
    assert not Application.objects.exists()


def test_over_long_company_name_is_refused(client, campus):
    response = client.post("/apply/", company_data(campus, name="x" * 201))

    assert "at most 200 characters" in response.context["form"].errors["name"][0]


def test_invalid_contact_email_is_refused_with_the_field_named(client, campus):
    client.post("/apply/", company_data(campus))

    response = client.post("/apply/step/contacts/", contacts_data(("Ada", "ada-at-example")))

    assert response.status_code == 200
    assert "email" in response.context["formset"].forms[0].errors
    assert "ada-at-example" in response.content.decode()


def test_draft_is_saved_at_every_step_with_who_changed_what(client, campus):
    client.post("/apply/", company_data(campus))
    client.post("/apply/step/contacts/", contacts_data())

    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert application.completed_steps == ["company", "contacts"]
    assert list(application.contacts.values_list("email", flat=True)) == ["ada@helix.example.com"]
    assert ApplicationEdit.objects.filter(application=application, step="contacts").exists()


def test_skipping_ahead_goes_back_to_the_first_open_step(client, campus):
    client.post("/apply/", company_data(campus))

    response = client.post("/apply/step/documents/", {"pitch_deck": pdf()})

    assert response.status_code == 302
    assert response["Location"] == "/apply/step/contacts/"
    assert not ApplicationDocument.objects.exists()


def test_submission_needs_the_required_documents(client, campus):
    client.post("/apply/", company_data(campus))
    client.post("/apply/step/contacts/", contacts_data())
    from tests.tenants.helpers import profile_data

    client.post("/apply/step/profile/", profile_data())
    client.post("/apply/step/needs/", needs_data())
    client.post("/apply/step/documents/", {"pitch_deck": pdf()})

    response = client.post("/apply/review/")

    assert response.status_code == 200
    assert "Upload your business licence or registration." in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_double_submit_changes_nothing_the_second_time(client, campus):
    fill_draft(client, campus)
    client.post("/apply/review/")
    sent = len(mail.outbox)

    response = client.post("/apply/review/")

    assert response.status_code == 302
    assert Application.objects.get().transitions.count() == 1
    assert len(mail.outbox) == sent


def test_submitted_application_cannot_be_edited(client, campus):
    fill_draft(client, campus)
    client.post("/apply/review/")

    response = client.post("/apply/step/company/", company_data(campus, name="Renamed Ltd"))

    assert response["Location"] == "/apply/status/"
    assert Application.objects.get().company.name == "Helix Diagnostics"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, "is not a PDF, PNG, JPEG or Word"),
        ("cv.pdf.html", b"<html><script>alert(1)</script></html>", "is not a PDF, PNG, JPEG or Word"),
        ("fake.docx", b"PK\x03\x04" + b"\x00" * 60, "is not a PDF, PNG, JPEG or Word"),
    ],
)
def test_uploads_are_recognised_by_content_not_name(client, campus, name, content, message, private_media):
    client.post("/apply/", company_data(campus))
    application = Application.objects.get()
    application.completed_steps = ["company", "contacts", "profile", "needs"]
    application.save()

    response = client.post("/apply/step/documents/", {"pitch_deck": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert message in response.context["form"].errors["pitch_deck"][0]
    assert not ApplicationDocument.objects.exists()


def test_file_over_ten_megabytes_is_refused(client, campus):
    client.post("/apply/", company_data(campus))
    Application.objects.update(completed_steps=["company", "contacts", "profile", "needs"])
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))

    response = client.post("/apply/step/documents/", {"pitch_deck": big})

    assert "at most 10.0" in response.context["form"].errors["pitch_deck"][0]
    assert not ApplicationDocument.objects.exists()


def test_file_names_are_sanitised_and_files_kept_outside_public_paths(client, campus, private_media):
    client.post("/apply/", company_data(campus))
    Application.objects.update(completed_steps=["company", "contacts", "profile", "needs"])

    client.post(
        "/apply/step/documents/",
        {
            "pitch_deck": pdf("../../etc/passwd.pdf"),
            "other": SimpleUploadedFile("plan\u202egpj.docx", docx_bytes()),
        },
    )

    deck = ApplicationDocument.objects.get(kind="pitch_deck")
    assert deck.original_name == "passwd.pdf"
    assert ".." not in deck.file.name and deck.file.name.endswith(".pdf")
    assert deck.file.path.startswith(str(private_media))
    other = ApplicationDocument.objects.get(kind="other")
    assert "\u202e" not in other.original_name and other.extension == ".docx"


def test_save_and_continue_later_mails_a_link_that_resumes_elsewhere(client, campus, django_user_model):
    from django.test import Client

    client.post("/apply/", company_data(campus))
    client.post("/apply/step/contacts/", {**contacts_data(), "save_later": "1"})
    response = client.post("/apply/save/", {"email": "ada@helix.example.com"})
    assert "We have sent a link to ada@helix.example.com" in response.content.decode()
    link = urlparse(link_from(last_mail_to("ada@helix.example.com"))).path

    other_browser = Client(enforce_csrf_checks=True)
    opened = other_browser.get(link)
    assert opened.status_code == 303 and opened["Referrer-Policy"] == "no-referrer"
    assert opened["Location"] == "/apply/link/open/"  # the token leaves the address bar at once
    confirm = other_browser.get(opened["Location"])
    assert confirm.status_code == 200 and confirm["Referrer-Policy"] == "same-origin"
    used = other_browser.post(
        opened["Location"],
        {"csrfmiddlewaretoken": confirm.context["csrf_token"], "link": confirm.context["code"]},
        HTTP_ORIGIN="http://testserver",
    )

    assert used.status_code == 303
    assert used["Location"] == "/apply/" and "resume" not in used["Location"]
    assert other_browser.get("/apply/", follow=True).request["PATH_INFO"] == "/apply/step/profile/"


def test_a_link_works_once(client, campus):
    from django.test import Client

    client.post("/apply/", company_data(campus))
    client.post("/apply/save/", {"email": "ada@helix.example.com"})
    link = urlparse(link_from(last_mail_to("ada@helix.example.com"))).path
    use_link(Client(), link)

    again = use_link(Client(), link)

    assert again.status_code == 404
    assert "not valid any more" in again.content.decode()


def test_expired_or_tampered_links_are_refused(client, campus):
    from django.test import Client

    client.post("/apply/", company_data(campus))
    client.post("/apply/save/", {"email": "ada@helix.example.com"})
    link = urlparse(link_from(last_mail_to("ada@helix.example.com"))).path
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    assert Client().get(tampered, follow=True).status_code == 404
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=31)):
        assert use_link(Client(), link).status_code == 404


def test_tokens_are_long_random_and_stored_only_hashed(client, campus):
    client.post("/apply/", company_data(campus))
    client.post("/apply/save/", {"email": "ada@helix.example.com"})
    token = link_from(last_mail_to("ada@helix.example.com")).rstrip("/").split("/")[-1]

    assert len(token) >= 43  # 256 bits in URL-safe base64
    stored = AccessLink.objects.get()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_a_guessed_status_url_shows_nothing(client, campus):
    fill_draft(client, campus)
    client.post("/apply/review/")

    response = client.__class__().get("/apply/status/" + "A" * 43 + "/", follow=True)

    assert response.status_code == 404
    assert "Helix" not in response.content.decode()
    assert client.__class__().get("/apply/status/").status_code == 403


def test_new_link_request_answers_the_same_for_known_and_unknown_addresses(client, campus):
    fill_draft(client, campus)
    client.post("/apply/review/")
    mail.outbox.clear()
    from django.test import Client

    known = Client().post("/apply/link/", {"email": "ada@helix.example.com"})
    unknown = Client().post("/apply/link/", {"email": "nobody@example.com"})

    def page(response, email):
        text = response.content.decode().replace(email, "X")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert known.status_code == unknown.status_code == 200
    assert page(known, "ada@helix.example.com") == page(unknown, "nobody@example.com")
    assert [m.to for m in mail.outbox] == [["ada@helix.example.com"]]


def test_applicant_withdraws_after_confirming(client, campus):
    fill_draft(client, campus)
    client.post("/apply/review/")

    confirm = client.get("/apply/withdraw/")
    assert "Withdraw the application?" in confirm.content.decode()
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    client.post("/apply/withdraw/", {"reason": "We chose another city."})

    application = Application.objects.get()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.transitions.last().reason == "We chose another city."
    assert application.transitions.last().actor_email == ""  # entered without a link: no address known


def test_withdrawing_after_a_decision_is_refused(client, campus, staff_user, settings):
    from tenants.services.applications import application_transition

    settings.APPLICATION_MIN_REVIEWS = 0
    fill_draft(client, campus)
    client.post("/apply/review/")
    application = Application.objects.get()
    for status in ["screening", "committee_review", "approved"]:
        application_transition(application=application, to=status, actor=staff_user)

    response = client.post("/apply/withdraw/", {"reason": ""}, follow=True)

    assert "can no longer be withdrawn" in response.content.decode()
    assert Application.objects.get().status == ApplicationStatus.APPROVED


def test_colleague_invited_by_mail_completes_the_draft_and_is_recorded(client, campus):
    from django.test import Client

    fill_draft(client, campus)
    client.post("/apply/invite/", {"name": "Grace Hopper", "email": "grace@helix.example.com"})
    link = urlparse(link_from(last_mail_to("grace@helix.example.com"))).path

    colleague = Client()
    use_link(colleague, link)
    colleague.post("/apply/step/needs/", needs_data(space_area_m2="180"))

    application = Application.objects.get()
    assert application.space_area_m2 == 180
    assert application.contacts.filter(email="grace@helix.example.com").exists()
    edit = application.edits.filter(step="needs").last()
    assert edit.editor_email == "grace@helix.example.com" and "space_area_m2" in edit.fields


def test_a_colleague_invited_to_a_finished_draft_lands_on_the_review_step(client, campus):
    from django.test import Client

    fill_draft(client, campus)
    client.post("/apply/invite/", {"name": "Grace Hopper", "email": "grace@helix.example.com"})
    link = urlparse(link_from(last_mail_to("grace@helix.example.com"))).path

    colleague = Client()
    used = use_link(colleague, link)
    page = colleague.get(used["Location"], follow=True)

    assert page.status_code == 200
    assert page.request["PATH_INFO"] == "/apply/review/"
    assert 'action="/apply/invite/"' in page.content.decode()  # where a colleague invites the next one


def test_bursts_of_new_applications_from_one_address_are_limited(client, campus, settings):
    from django.core.cache import cache

    cache.clear()
    settings.APPLY_RATE = "2/h"
    from django.test import Client

    for _ in range(2):
        assert Client().post("/apply/", company_data(campus)).status_code == 302

    response = Client().post("/apply/", company_data(campus))

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert response["Retry-After"]
    assert Application.objects.count() == 2


def test_a_link_cannot_be_used_by_a_post_forged_from_another_site(client, campus):
    from django.test import Client

    client.post("/apply/", company_data(campus))
    client.post("/apply/save/", {"email": "ada@helix.example.com"})
    link = urlparse(link_from(last_mail_to("ada@helix.example.com"))).path

    victim = Client(enforce_csrf_checks=True)
    victim.get(link)  # the link is opened, waiting for the button on /apply/link/open/

    forged = victim.post("/apply/link/open/", HTTP_ORIGIN="https://evil.example.net")
    straight = Client().post(link)

    assert forged.status_code == 403
    assert straight.status_code == 405  # the link's own URL only leads on; it never uses the link
    assert AccessLink.objects.get().used_at is None


def test_guessing_links_is_throttled(client, settings):
    from django.test import Client

    settings.LINK_OPEN_RATE = "10/h"
    guesser = Client()
    answers = [guesser.get(f"/apply/resume/{'x' * 40}{n:03}/", follow=True).status_code for n in range(12)]

    assert answers[:10] == [404] * 10
    assert answers[10:] == [429, 429]


def test_a_confirmation_page_left_open_never_uses_a_link_opened_after_it(client, campus):
    """Someone can make a browser open their own link (any top-level navigation does); the page
    the applicant still looks at names the applicant's company and must not enter the other one."""
    from django.test import Client

    from tenants.links import access_link_issue
    from tests.tenants.factories import ApplicationFactory

    mine = ApplicationFactory(campus=campus, company__campus=campus, company__name="Victim Bio")
    theirs = ApplicationFactory(campus=campus, company__campus=campus, company__name="Attacker Bio")
    my_token = access_link_issue(application=mine, email="v@victim.example")
    their_token = access_link_issue(application=theirs, email="a@attacker.example")
    browser = Client(enforce_csrf_checks=True)
    browser.get(f"/apply/resume/{my_token}/")
    page = browser.get("/apply/link/open/")
    assert "Victim Bio" in page.content.decode()

    browser.get(f"/apply/resume/{their_token}/")  # opened behind the applicant's back
    answer = browser.post(
        "/apply/link/open/", {"csrfmiddlewaretoken": page.context["csrf_token"], "link": page.context["code"]}
    )

    assert answer.status_code == 200 and "Attacker Bio" in answer.content.decode()  # shown, not used
    assert "applicant" not in browser.session
    assert AccessLink.objects.filter(used_at__isnull=False).count() == 0


def test_the_session_keeps_only_the_hash_of_an_opened_link(client, campus):
    from django.contrib.sessions.models import Session

    from tenants.links import access_link_issue
    from tests.tenants.factories import ApplicationFactory

    token = access_link_issue(application=ApplicationFactory(campus=campus), email="v@victim.example")
    client.get(f"/apply/resume/{token}/")

    stored = [session.session_data + str(session.get_decoded()) for session in Session.objects.all()]
    assert stored and not any(token in data for data in stored)


def test_starting_again_forgets_the_application_in_this_browser_and_keeps_it_saved(applicant):
    assert applicant.client.get("/apply/").status_code == 302  # to the application's status

    response = applicant.client.post("/apply/new/")

    assert response.status_code == 302 and response["Location"] == "/apply/"
    start = applicant.client.get("/apply/")
    assert start.status_code == 200 and applicant.application.company.name not in start.content.decode()
    assert applicant.client.get("/apply/status/").status_code == 403
    kept = Application.objects.get(pk=applicant.application.pk)
    assert kept.status == ApplicationStatus.SUBMITTED and kept.company.name == applicant.application.company.name


def test_opening_the_start_again_address_only_leads_to_the_form(applicant):
    response = applicant.client.get("/apply/new/")

    assert response.status_code == 302 and response["Location"] == "/apply/"
    assert applicant.client.get("/apply/status/").status_code == 200
