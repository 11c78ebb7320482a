"""A referral never opens someone else's application to the partner: the applicant says whether it was referred."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client

from partners.api.serializers import ReferralSerializer
from partners.models import Referral, WebhookDelivery
from tenants.models import AccessLink, Application, ApplicationContact
from tests.campus.factories import CampusFactory
from tests.partners.test_webhooks import _register
from tests.tenants.helpers import company_data, contacts_data

pytestmark = pytest.mark.django_db

ATTACKER = "mallory@partner.example.com"
APPLICANT = "ada@helix.example.com"  # the contact the applicant entered at /apply/
QUESTION = "Were you referred by Skolkovo Innovation Center?"


@pytest.fixture
def campus(db):
    return CampusFactory(slug="icampus")


def start_draft(client, campus, name="Helix Diagnostics", contact=("Ada Lovelace", APPLICANT)):
    assert client.post("/apply/", company_data(campus, name=name)).status_code == 302
    assert client.post("/apply/step/contacts/", contacts_data(contact)).status_code == 302
    return Application.objects.get(company__name=name)


@pytest.fixture
def drafting_applicant(client, campus):
    """A company that started its own draft at /apply/; the client holds its session."""
    start_draft(client, campus)
    mail.outbox.clear()
    return client


def refer(api, **overrides):
    body = {
        "campus": "icampus",
        "company_name": "Helix Diagnostics",
        "country": "GB",
        "contact_name": "Mallory",
        "contact_email": ATTACKER,
    }
    body.update(overrides)
    return api.post("/api/v1/referrals/", body, format="json")


def answer(client, referral_id, referred: str):
    return client.post(f"/apply/referrals/{referral_id}/", {"referred": referred})


def withdraw(client):
    assert client.post("/apply/withdraw/", {"reason": "Changed plans."}).status_code == 302
    assert Application.objects.get(company__name="Helix Diagnostics").status == "withdrawn"


def answer_then_withdraw(applicant, api, referred: str | None, on_commit) -> int:
    """A partner refers the applicant's draft, who answers ``referred`` (or not at all), then withdraws."""
    referral_id = refer(api).json()["id"]
    if referred is not None:
        assert answer(applicant, referral_id, referred).status_code == 302
    with on_commit(execute=True):
        withdraw(applicant)
    return referral_id


# --- The referral itself --------------------------------------------------------------------


def test_referral_naming_an_applicants_draft_gives_its_contact_no_way_in(
    drafting_applicant, api_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = refer(api_a, company_name="helix diagnostics ")

    assert response.status_code == 201, response.json()
    assert [m for m in mail.outbox if ATTACKER in m.to] == []
    assert not ApplicationContact.objects.filter(email__iexact=ATTACKER).exists()
    assert not AccessLink.objects.filter(email__iexact=ATTACKER).exists()
    assert Application.objects.count() == 1
    assert Referral.objects.get().attribution == "pending"


def test_a_pending_referral_shows_its_state_and_nothing_of_the_application(drafting_applicant, api_a):
    created = refer(api_a)
    Application.objects.update(status="submitted")

    listed = api_a.get("/api/v1/referrals/").json()["results"]
    detail = api_a.get(f"/api/v1/referrals/{created.json()['id']}/")

    for body in (created.json(), listed[0], detail.json()):
        assert body["attribution"] == "pending"
        assert body["status"] == "pending_attribution"
    for content in (created.content, detail.content, api_a.get("/api/v1/referrals/").content):
        assert APPLICANT.encode() not in content
        assert b"submitted" not in content and b"draft" not in content
    referral = Referral.objects.select_related("company", "application__campus").get()
    assert listed == [dict(ReferralSerializer(referral).data)]


def test_a_partners_repeated_referral_finds_its_own_draft(api_a, campus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = refer(api_a, company_name="Neuro Robotics", contact_email="ivan@neuro.example.com")
        again = refer(api_a, company_name="neuro robotics", contact_email="other@neuro.example.com")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert (again.json()["attribution"], again.json()["status"]) == ("started", "draft")
    assert Application.objects.count() == 1
    assert list(ApplicationContact.objects.values_list("email", flat=True)) == ["ivan@neuro.example.com"]
    assert [m.to for m in mail.outbox] == [["ivan@neuro.example.com"]]


def test_another_partners_referral_of_a_referred_draft_waits_too(api_a, api_b, campus):
    refer(api_a, company_name="Neuro Robotics", contact_email="ivan@neuro.example.com")

    response = refer(api_b, company_name="Neuro Robotics")

    assert (response.json()["attribution"], response.json()["status"]) == ("pending", "pending_attribution")
    assert not ApplicationContact.objects.filter(email__iexact=ATTACKER).exists()


# --- The applicant's answer --------------------------------------------------------------------


def test_the_status_page_asks_about_a_pending_referral_only(drafting_applicant, api_a):
    assert QUESTION not in drafting_applicant.get("/apply/status/").content.decode()

    refer(api_a)
    page = drafting_applicant.get("/apply/status/").content.decode()

    assert QUESTION in page
    referral = Referral.objects.get()
    assert f'action="/apply/referrals/{referral.pk}/"' in page


def test_yes_links_the_referral_and_records_who_and_when(drafting_applicant, api_a, httpserver, partner_a):
    referral_id = refer(api_a).json()["id"]
    answered = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)

    with time_machine.travel(answered, tick=False):
        response = answer(drafting_applicant, referral_id, "yes")

    assert response.status_code == 302 and response["Location"] == "/apply/status/"
    referral = Referral.objects.get()
    assert (referral.attribution, referral.attribution_answered_by) == ("confirmed", APPLICANT)
    assert referral.attribution_answered_at == answered
    assert api_a.get(f"/api/v1/referrals/{referral_id}/").json()["status"] == "draft"
    assert QUESTION not in drafting_applicant.get("/apply/status/").content.decode()


@pytest.fixture
def hooked(api_a, httpserver):
    """Partner A listens for webhooks at a local receiver."""
    httpserver.expect_request("/a").respond_with_data("ok")
    _register(api_a, httpserver.url_for("/a"))


def test_after_yes_status_changes_reach_the_partner_by_webhook(
    drafting_applicant, api_a, hooked, httpserver, django_capture_on_commit_callbacks
):
    referral_id = answer_then_withdraw(drafting_applicant, api_a, "yes", django_capture_on_commit_callbacks)

    assert [request.path for request, _response in httpserver.log] == ["/a"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "referral.status_changed"
    assert delivery.payload["data"]["referral_id"] == referral_id
    assert delivery.payload["data"]["status"] == "withdrawn"


def test_a_pending_referral_gets_no_webhooks(
    drafting_applicant, api_a, hooked, httpserver, django_capture_on_commit_callbacks
):
    referral_id = answer_then_withdraw(drafting_applicant, api_a, None, django_capture_on_commit_callbacks)

    assert httpserver.log == [] and not WebhookDelivery.objects.exists()
    assert api_a.get(f"/api/v1/referrals/{referral_id}/").json()["status"] == "pending_attribution"


def test_no_records_a_declined_attribution_and_the_partner_never_sees_the_status(
    drafting_applicant, api_a, hooked, httpserver, django_capture_on_commit_callbacks
):
    referral_id = answer_then_withdraw(drafting_applicant, api_a, "no", django_capture_on_commit_callbacks)

    referral = Referral.objects.get()
    assert (referral.attribution, referral.attribution_answered_by) == ("declined", APPLICANT)
    assert referral.attribution_answered_at is not None
    body = api_a.get(f"/api/v1/referrals/{referral_id}/").json()
    assert (body["attribution"], body["status"]) == ("declined", "attribution_declined")
    assert api_a.get("/api/v1/referrals/").json()["results"][0]["status"] == "attribution_declined"
    assert httpserver.log == [] and not WebhookDelivery.objects.exists()
    assert QUESTION not in drafting_applicant.get("/apply/status/").content.decode()


def test_answering_twice_keeps_the_first_answer(drafting_applicant, api_a):
    referral_id = refer(api_a).json()["id"]
    answer(drafting_applicant, referral_id, "yes")
    first = Referral.objects.get()

    assert answer(drafting_applicant, referral_id, "no").status_code == 302
    assert answer(drafting_applicant, referral_id, "yes").status_code == 302

    again = Referral.objects.get()
    assert (again.attribution, again.attribution_answered_at) == ("confirmed", first.attribution_answered_at)


def test_an_answer_that_is_neither_yes_nor_no_changes_nothing(drafting_applicant, api_a):
    referral_id = refer(api_a).json()["id"]

    assert answer(drafting_applicant, referral_id, "maybe").status_code == 302
    assert Referral.objects.get().attribution == "pending"


# --- Who may answer ---------------------------------------------------------------------------


def test_only_the_session_following_the_application_may_answer(drafting_applicant, api_a, campus):
    referral_id = refer(api_a).json()["id"]
    other_applicant = Client()
    start_draft(other_applicant, campus, name="Other Bio", contact=("Bob", "bob@other.example.com"))

    assert answer(other_applicant, referral_id, "yes").status_code == 404
    assert answer(Client(), referral_id, "yes").status_code == 404
    assert api_a.post(f"/apply/referrals/{referral_id}/", {"referred": "yes"}).status_code == 404
    assert Client().get(f"/apply/referrals/{referral_id}/").status_code == 405
    assert QUESTION not in other_applicant.get("/apply/status/").content.decode()
    assert Referral.objects.get().attribution == "pending"


def test_the_answer_needs_the_csrf_token(drafting_applicant, api_a):
    referral_id = refer(api_a).json()["id"]
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = drafting_applicant.cookies

    assert browser.post(f"/apply/referrals/{referral_id}/", {"referred": "yes"}).status_code == 403
    assert Referral.objects.get().attribution == "pending"


def test_a_company_becoming_resident_is_told_only_to_linked_referrers(
    drafting_applicant, api_a, hooked, httpserver, django_capture_on_commit_callbacks
):
    from tenants.models import Company
    from tenants.signals import company_became_resident

    referral_id = refer(api_a).json()["id"]
    company = Company.objects.get(name="Helix Diagnostics")

    with django_capture_on_commit_callbacks(execute=True):
        company_became_resident.send(sender=Company, company_id=company.pk, event_id=1)
    assert httpserver.log == [] and not WebhookDelivery.objects.exists()

    answer(drafting_applicant, referral_id, "yes")
    with django_capture_on_commit_callbacks(execute=True):
        company_became_resident.send(sender=Company, company_id=company.pk, event_id=2)
    assert [WebhookDelivery.objects.get().event_type] == ["company.became_resident"]
    assert [request.path for request, _response in httpserver.log] == ["/a"]


# --- Staff and the schema ----------------------------------------------------------------------


def test_staff_filter_referrals_by_attribution(drafting_applicant, api_a, staff_client):
    refer(api_a)
    refer(api_a, company_name="Neuro Robotics", contact_email="ivan@neuro.example.com")

    pending = staff_client.get("/admin/partners/referral/", {"attribution__exact": "pending"})
    started = staff_client.get("/admin/partners/referral/", {"attribution__exact": "started"})

    assert pending.status_code == 200
    assert [r.company.name for r in pending.context["cl"].result_list] == ["Helix Diagnostics"]
    assert [r.company.name for r in started.context["cl"].result_list] == ["Neuro Robotics"]
    assert "Waiting for the applicant to confirm" in pending.content.decode()


def _enum(schema: dict, prop: dict) -> list[str]:
    if "enum" in prop:
        return prop["enum"]
    return schema["components"]["schemas"][prop["allOf"][0]["$ref"].rsplit("/", 1)[-1]]["enum"]


def test_the_schema_documents_attribution_and_the_partner_statuses(client):
    schema = client.get("/api/schema/?format=json").json()
    referral = schema["components"]["schemas"]["Referral"]

    statuses = _enum(schema, referral["properties"]["status"])
    assert {"pending_attribution", "attribution_declined", "draft", "approved"} <= set(statuses)
    assert "pending_attribution" in referral["properties"]["status"]["description"]
    assert set(_enum(schema, referral["properties"]["attribution"])) == {"started", "pending", "confirmed", "declined"}
    assert {"attribution", "status"} <= set(referral["required"])


def test_the_dashboard_credits_a_partner_only_with_linked_referrals(drafting_applicant, api_a, api_b, staff_client):
    answer(drafting_applicant, refer(api_a).json()["id"], "no")
    refer(api_b, company_name="Neuro Robotics", contact_email="ivan@neuro.example.com")

    table = next(t for t in staff_client.get("/staff/dashboard/").context["tables"] if t.key == "referrals")

    assert table.rows == [["UK BioIndustry Association", 0, 0, 1]]
