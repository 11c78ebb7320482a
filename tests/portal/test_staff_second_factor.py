"""A staff session that has not passed its second factor gets no staff content, on any URL.

The walk reads every URL pattern of the project (admin, staff pages, downloads, advisory, the
API), fills its parameters with the ids of real objects, and compares what three visitors get:
a stranger, a staff member signed in with the password only (they have a confirmed
authenticator), and the same staff member after entering the code. A new URL is walked the day
it is added.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from advisory.models import Consultation, Meeting, Review
from tenants.models import OutcomeSurvey
from tenants.services.onboarding import onboarding_start
from tests.advisory.factories import AdvisoryMemberFactory
from tests.tenants.factories import ApplicationDocumentFactory, ComplianceDocumentFactory

pytestmark = pytest.mark.django_db

# Pages a password-only staff session must reach to finish signing in or to leave, and the
# health probes (no content; /readyz checks the database on a connection it closes).
NOT_WALKED = {
    "staff/two-factor/",
    "admin/logout/",
    "advisory/logout/",
    "oidc/authenticate/",
    "oidc/callback/",
    "healthz",
    "readyz",
}
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _patterns(resolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _urls(route: str, ids: list[int], slugs: list[str]) -> list[str]:
    """Concrete URLs for a pattern: every candidate id (one outside the admin) and slug."""
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\.", ".")
    in_admin = route.startswith("admin/")

    def values(name: str, kind: str | None) -> list[str]:
        if name == "app_label":
            return ["tenants"]
        if name in {"uidb64", "token"}:
            return ["MQ", "x" * 43]
        if kind == "slug" or name == "slug":
            return slugs
        if kind in {"int", "path"} or name.endswith("id") or name == "pk":
            chosen = ids[:1] if in_admin else ids
            return [str(value) for value in chosen]
        return ["x"]

    urls = [route]
    for pattern in (CONVERTER, GROUP):
        while any(pattern.search(url) for url in urls):
            expanded = []
            for url in urls:
                match = pattern.search(url)
                if not match:
                    expanded.append(url)
                    continue
                kind = match.groupdict().get("kind")
                for value in values(match["name"], kind):
                    expanded.append(url[: match.start()] + value + url[match.end() :])
            urls = expanded
    return ["/" + url for url in dict.fromkeys(urls)]


def _residents_objects(campus) -> dict[str, int]:
    """A resident's request with a file, milestone report with evidence, visit and delivery: the
    ids the residents' staff pages (queue, stages, front desk) and downloads name."""
    from campus.models import PlatformStage
    from residents.models import StageMilestone, Training
    from residents.services.frontdesk import delivery_log, visit_register
    from residents.services.stages import milestone_report
    from tests.personas import resident_of
    from tests.residents.requests_setup import raised
    from tests.residents.staff_bookings_setup import a_resource, booked
    from tests.tenants.factories import PDF, CompanyFactory

    def pdf():
        return SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")

    campus.platform_stages.set(PlatformStage.objects.all())
    company = CompanyFactory(campus=campus, platform_stage="incubation")
    person = resident_of(company, "admin", "Ada")
    request = raised(person, uploads=[pdf()])
    milestone = StageMilestone.objects.create(campus=campus, stage="incubation", title_en="Trial", title_zh_hans="试验")
    report = milestone_report(company=company, milestone=milestone, note="Done.", upload=pdf(), actor=person.user)
    visit = visit_register(company=company, host=person.user, visitor_name="Dr Chen", visit_date=timezone.localdate())
    delivery = delivery_log(company=company, carrier="SF Express", description="Reagents", actor=None)
    room = a_resource(campus)
    booking = booked(room, person, timezone.localdate(), 10)
    Training.objects.create(user=person.user, resource=room)
    return {
        "resource": room.pk,
        "booking": booking.pk,
        "company": company.pk,
        "request": request.pk,
        "attachment": request.attachments.get().pk,
        "report": report.pk,
        "evidence": report.evidence.pk,
        "visit": visit.pk,
        "delivery": delivery.pk,
    }


def _finance_objects(company, uploader) -> dict[str, int]:
    """An invoice with a credit note and a payment, and a bank statement the walking staff member
    uploaded (a statement opens only for whoever uploaded it): the ids the finance pages name."""
    from residents.services.bank_statements import statement_import_create
    from residents.services.invoices import credit_note_issue
    from tests.residents.billing_setup import invoiced, paid

    [invoice] = invoiced(company)
    note = credit_note_issue(invoice=invoice, reason="Goodwill", actor=None, amount="10", tax_percent=Decimal("9"))
    payment = paid(company, "100.00", settles=[(invoice, "100.00")])
    statement = statement_import_create(
        campus=company.campus,
        data=b"Date,Reference,Credit\n2026-01-20,INV-2026-000001,100.00\n",
        file_name="statement.csv",
        actor=uploader,
    )
    return {
        "invoice": invoice.pk,
        "lease": invoice.lease_id,
        "credit_note": note.pk,
        "payment": payment.pk,
        "statement": statement.pk,
    }


@pytest.fixture
def objects(password_only):
    """One object of each kind a staff-only URL names, with its file where it has one."""
    document = ApplicationDocumentFactory()
    application = document.application
    plan = onboarding_start(application=application, approved_on=timezone.localdate())
    compliance = ComplianceDocumentFactory(company=application.company)
    member = AdvisoryMemberFactory(committee__campus=application.campus)
    review = Review.objects.create(application=application, member=member)
    meeting = Meeting.objects.create(
        committee=member.committee, title="Session", place="A", starts_at=timezone.now(), agenda="Applications"
    )
    consultation = Consultation.objects.create(company=application.company, member=member, topic="Trials")
    survey = OutcomeSurvey.objects.create(company=application.company, year=2026)
    residents = _residents_objects(application.campus)
    finance = _finance_objects(application.company, password_only[1].user)
    ids = [
        application.pk,
        document.pk,
        compliance.pk,
        *plan.tasks.values_list("pk", flat=True)[:1],
        review.pk,
        meeting.pk,
        consultation.pk,
        survey.pk,
        *residents.values(),
        *finance.values(),
    ]
    return {
        "ids": sorted(set(ids)),
        # The accounting exports are named by two slugs: /staff/finance/invoices.csv.
        "slugs": [application.campus.slug, application.company.slug or "company", "invoices", "csv"],
        "document": document,
        "compliance": compliance,
        "residents": residents,
        "finance": finance,
        "campus": application.campus,
    }


@pytest.fixture
def password_only(django_user_model):
    """A superuser with a confirmed authenticator, signed in with the password alone."""
    user = django_user_model.objects.create_superuser(username="boss", email="boss@example.org", password="x")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    return client, device


def _verified(client: Client, device: TOTPDevice) -> Client:
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _shows_staff_content(response, stranger) -> bool:
    """Anything more than a stranger gets: a page or file a stranger is refused.

    Redirects are not content: wherever they lead is walked too.
    """
    if response.status_code >= 400 or response.status_code in {301, 302, 303}:
        return False
    return stranger.status_code != response.status_code


def _close(response):
    """Read a streamed file to its end, which closes it as a server would."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def test_a_password_only_staff_session_gets_no_staff_content_anywhere(objects, password_only):
    owing, _device = password_only
    stranger = Client()
    walked, leaks = 0, []
    for route in _patterns(get_resolver()):
        if route.lstrip("^") in NOT_WALKED:
            continue
        for url in _urls(route, objects["ids"], objects["slugs"]):
            methods = ["get"] if url.startswith("/admin/") else ["get", "post"]
            for method in methods:
                theirs = _close(getattr(owing, method)(url))
                strangers = _close(getattr(stranger, method)(url))
                walked += 1
                if _shows_staff_content(theirs, strangers):
                    leaks.append((method, url, theirs.status_code, strangers.status_code))

    assert leaks == []
    assert walked > 300  # the admin's URLs are in the walk, not only a handful of pages


def test_the_same_session_reaches_staff_content_once_the_code_is_entered(objects, password_only):
    """The walk above can fail: entering the code opens exactly the URLs it found closed."""
    owing, device = password_only
    document, compliance, residents = objects["document"], objects["compliance"], objects["residents"]
    finance, campus = objects["finance"], objects["campus"]
    urls = [
        "/staff/requests/",
        f"/staff/requests/{residents['request']}/",
        f"/staff/requests/files/{residents['attachment']}/",
        f"/staff/stages/companies/{residents['company']}/",
        f"/staff/stages/reports/{residents['report']}/",
        f"/milestone-evidence/{residents['evidence']}/",
        "/staff/frontdesk/",
        "/staff/frontdesk/deliveries/",
        "/staff/bookings/",
        "/staff/bookings/use/",
        f"/admin/residents/booking/{residents['booking']}/change/",
        f"/admin/residents/resource/{residents['resource']}/change/",
        "/admin/residents/training/people/?term=a",
        "/staff/finance/payments/",
        "/staff/finance/import/",
        f"/staff/finance/import/{finance['statement']}/",
        f"/staff/finance/invoices.csv?campus={campus.pk}&start=2026-01-01&end=2026-12-31",
        f"/staff/finance/payments.xlsx?campus={campus.pk}&start=2026-01-01&end=2026-12-31",
        f"/admin/residents/invoice/{finance['invoice']}/credit-note/",
        f"/admin/residents/statementimport/{finance['statement']}/change/",
        f"/admin/residents/payment/{finance['payment']}/change/",
        f"/api/v1/invoices/{finance['credit_note']}/",
        f"/api/v1/leases/{finance['lease']}/",
        f"/api/v1/service-requests/{residents['request']}/",
        f"/documents/{document.pk}/",
        f"/compliance/{compliance.pk}/",
        "/admin/tenants/application/",
        "/admin/tenants/application/export/",
        "/staff/",
        "/staff/dashboard/",
        "/staff/onboarding/",
        f"/staff/reviews/{document.application_id}/",
        "/api/v1/referrals/",
    ]
    before = {url: _close(owing.get(url)).status_code for url in urls}
    verified = _verified(owing, device)
    after = {url: _close(verified.get(url)).status_code for url in urls}

    assert all(status != 200 for status in before.values()), before
    assert after == dict.fromkeys(urls, 200)


def test_a_password_only_staff_session_is_not_staff_in_the_api(client, objects, password_only):
    owing, _device = password_only
    schema = client.get("/api/schema/?format=json").json()
    for template in schema["paths"]:
        path = template.replace("{id}", str(objects["ids"][0])).replace("{slug}", objects["slugs"][0])
        response = owing.get(path)
        assert response.status_code in {401, 403}, (path, response.status_code)


@pytest.mark.parametrize("role", ["campus_manager", "system_operator"])
def test_managers_and_system_operators_must_set_up_the_second_factor_on_chinese_pages_too(
    client, django_user_model, settings, role
):
    from django.contrib.auth.models import Group

    from common.staff import SECOND_FACTOR_GROUPS
    from portal.roles import group_name

    settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = True
    manager = django_user_model.objects.create_user(username="mgr", password="x", is_staff=True)
    manager.groups.add(Group.objects.get(name=group_name(role)))
    client.force_login(manager)

    response = client.get("/zh-hans/admin/django_celery_beat/periodictask/")

    assert group_name(role) in SECOND_FACTOR_GROUPS
    assert response.status_code == 302 and "/two-factor/" in response["Location"]
    assert client.get("/zh-hans/documents/1/").status_code == 404


def test_other_roles_are_not_made_to_set_up_a_second_factor(client, django_user_model, settings):
    from django.contrib.auth.models import Group

    from portal.roles import group_name

    settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = True
    desk = django_user_model.objects.create_user(username="desk", password="x", is_staff=True)
    desk.groups.add(Group.objects.get(name=group_name("front_desk")))
    client.force_login(desk)

    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/", "/admin/tenants/application/", "/staff/onboarding/", "/api/v1/referrals/"])
def test_the_second_factor_is_looked_up_once_per_request(staff_client, url):
    """The middleware, the admin site, the view and the API each ask; the database answers once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get(url).status_code == 200

    assert sum("otp_" in query["sql"] for query in queries.captured_queries) == 1
