"""Who reaches what in /my/: every URL pattern of the residents' area, walked for every persona.

The walk reads the URL patterns, so a new page of /my/ is covered the day it is added: a pattern
that takes an object's id needs an entry in OBJECTS (how to make company A's object for it), and
the test says so when one is missing.

- Outsiders never see a resident's page: a visitor who is not signed in (an applicant's link
  session included) is sent to sign in; staff and advisory members get 404.
- Company B's admin gets 404 for every object of company A, for GET and POST alike.
- Company A's people read every page of their company their role may read (READERS; 403 for the
  others); a change their role may not make is refused with 403.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from residents.services.members import invitation_send

pytestmark = pytest.mark.django_db

# Downloads of a company's files served outside /my/ (staff and a named reviewer read them too);
# a visitor who is not signed in gets 404 there rather than the sign-in page.
OUTSIDE_MY = {"milestone_evidence"}

# Pages for people who are not signed in yet: signing in, joining, resetting a password.
PUBLIC = {"login", "logout", "join", "join_link", "password_reset", "password_reset_done", "password_reset_confirm"}


def _company_a_visit(people):
    import datetime as dt

    from django.utils import timezone

    from residents.services.frontdesk import visit_register

    admin = people["resident_admin"]
    return visit_register(
        company=admin.company,
        host=admin.user,
        visitor_name="Dr Chen",
        visit_date=timezone.localdate() + dt.timedelta(days=1),
        actor=admin.user,
    )


def _company_a_announcement(people):
    from tests.residents.test_announcements import write

    company = people["resident_admin"].company
    return write(company.campus, audience="companies", companies=[company])


def _milestone_of_company_as_stage(people):
    from campus.models import PlatformStage
    from residents.models import StageMilestone
    from tenants.models import Company

    company = people["resident_admin"].company
    company.campus.platform_stages.set(PlatformStage.objects.all())
    Company.objects.filter(pk=company.pk).update(platform_stage="incubation")
    return StageMilestone.objects.create(
        campus=company.campus, stage="incubation", title_en="Trial", title_zh_hans="试验"
    )


def _company_a_request(people):
    from tests.residents.requests_setup import raised

    return raised(people["resident_member"])


def _company_a_request_file(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.residents.requests_setup import raised
    from tests.tenants.factories import PDF

    request = raised(people["resident_member"], uploads=[SimpleUploadedFile("photo.pdf", PDF)])
    return request.attachments.get()


def _company_a_evidence(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from residents.services.stages import milestone_report
    from tests.tenants.factories import PDF

    admin = people["resident_admin"]
    milestone = _milestone_of_company_as_stage(people)
    upload = SimpleUploadedFile("approval.pdf", PDF, content_type="application/pdf")
    report = milestone_report(company=admin.company, milestone=milestone, note="Done.", upload=upload, actor=admin.user)
    return report.evidence


def _company_a_task(people):
    import datetime as dt

    from tenants.models import OnboardingPlan, OnboardingTask
    from tests.tenants.factories import ApplicationFactory

    company = people["resident_admin"].company
    application = ApplicationFactory(company=company, campus=company.campus, status="approved")
    plan = OnboardingPlan.objects.create(
        application=application, company=company, campus=company.campus, approved_on=dt.date.today()
    )
    return OnboardingTask.objects.create(
        plan=plan, title_en="Sign the lease", title_zh="签署租约", owner="company", due_on=dt.date.today()
    )


def _company_a_invoice(people):
    from tests.residents.billing_setup import invoiced

    [invoice] = invoiced(people["resident_admin"].company)
    return invoice


def _company_a_invoice_with_pdf(people):
    """An invoice whose PDF is stored already, so the walk downloads it without rendering."""
    from django.core.files.base import ContentFile

    from common.storage import private_storage
    from residents.models import Invoice
    from tests.residents.billing_setup import FAKE_PDF

    invoice = _company_a_invoice(people)
    name = private_storage.save(f"invoices/{invoice.pk}.pdf", ContentFile(FAKE_PDF))
    Invoice.objects.filter(pk=invoice.pk).update(pdf=name)
    return invoice


def _campus_room(people):
    from tests.residents.bookings_setup import resource_open

    return resource_open(people["resident_admin"].company.campus)


def _company_a_booking(people):
    from tests.residents.bookings_setup import booked, in_days

    room = _campus_room(people)
    return booked(people["resident_admin"], room, in_days(room, 3, 10))


def _company_a_weekly_booking(people):
    import datetime as dt

    from residents.services.bookings import series_create
    from tests.residents.bookings_setup import in_days

    room = _campus_room(people)
    start = in_days(room, 3, 10)
    return series_create(
        resource=room,
        user=people["resident_admin"].user,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        until=start.date() + dt.timedelta(weeks=2),
    )


# URL name -> builds an object of the campus that every company of it may use (no one's own).
SHARED = {
    "milestone_report": _milestone_of_company_as_stage,
    "resource": _campus_room,
}

# URL name -> builds company A's object for the pattern's ``pk`` (given the personas).
OBJECTS = {
    "onboarding_task_done": _company_a_task,
    "booking": _company_a_booking,
    "booking_cancel": _company_a_booking,
    "booking_check": _company_a_booking,
    "series_cancel": _company_a_weekly_booking,
    "request_detail": _company_a_request,
    "request_reply": _company_a_request,
    "request_move": _company_a_request,
    "request_attachment": _company_a_request_file,
    "milestone_evidence": _company_a_evidence,
    "announcement": _company_a_announcement,
    "invoice": _company_a_invoice,
    "invoice_pdf": _company_a_invoice_with_pdf,
    "visit_cancel": _company_a_visit,
    "member_role": lambda people: people["resident_member"].membership,
    "member_remove": lambda people: people["resident_member"].membership,
    "invitation_withdraw": lambda people: invitation_send(
        company=people["resident_admin"].company, email="new@helix.example.com"
    ),
}


def _company_a_logo(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from residents.services.profile import profile_update
    from tests.tenants.files import image_bytes

    company = people["resident_admin"].company
    profile_update(
        company=company,
        description_en=company.description_en or "",
        description_zh_hans="",
        website="",
        listed=True,
        focus_areas=[],
        logo=SimpleUploadedFile("logo.png", image_bytes("PNG")),
        actor=people["resident_admin"].user,
    )


# URL name -> what company A must have for the page to show something (its pages without one).
PREPARE = {
    "profile_logo": _company_a_logo,
}

# URL name -> the roles of company A that may change something there (POST); every role may read
# every page (GET), and a role not listed is refused a change with 403.
ROLES = {
    "lease": {"admin", "finance"},
    "invoices": {"admin", "finance"},
    "invoice": {"admin", "finance"},
    "invoice_pdf": {"admin", "finance"},
    "payments": {"admin", "finance"},
    "profile": {"admin"},
    "milestone_report": {"admin", "member"},
    "team_invite": {"admin"},
    "member_role": {"admin"},
    "member_remove": {"admin"},
    "invitation_withdraw": {"admin"},
}

# URL name -> the roles of company A that may read it at all; a role not listed gets 403 (GET and POST).
READERS = {
    "lease": {"admin", "finance"},
    "invoices": {"admin", "finance"},
    "invoice": {"admin", "finance"},
    "invoice_pdf": {"admin", "finance"},
    "payments": {"admin", "finance"},
}


def residents_patterns() -> list[tuple[str, URLPattern]]:
    """Every (name, pattern) of the ``residents`` namespace under /my/, and the company's downloads
    outside it (its staff pages are walked with every other staff page in
    tests/portal/test_staff_second_factor.py)."""

    def walk(patterns, namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif namespace == "residents" and (str(entry.pattern).startswith("my/") or entry.name in OUTSIDE_MY):
                yield entry.name, entry

    return sorted(walk(get_resolver().url_patterns), key=lambda item: item[0])


PAGES = [name for name, _pattern in residents_patterns() if name not in PUBLIC]


@pytest.fixture
def people(request, resident_admin, resident_member, resident_finance, other_resident):
    return {
        "resident_admin": resident_admin,
        "resident_member": resident_member,
        "resident_finance": resident_finance,
        "other_resident": other_resident,
    }


def url_for(name: str, people) -> str:
    from django.urls import reverse

    pattern = dict(residents_patterns())[name]
    if name in PREPARE:
        PREPARE[name](people)
    keys = list(pattern.pattern.converters)
    if not keys:
        return reverse(f"residents:{name}")
    builders = {**SHARED, **OBJECTS}
    assert name in builders, f"/my/ page {name!r} takes {keys}: add how to make company A's object to OBJECTS"
    return reverse(f"residents:{name}", kwargs={"pk": builders[name](people).pk})


def test_every_page_of_my_is_walked():
    assert {"home", "team", "team_invite"} <= set(PAGES)


def visit(client, url: str):
    """GET the page, or POST to it when it takes only POST."""
    response = client.get(url)
    return client.post(url) if response.status_code == 405 else response


def _former_people(people):
    from residents.services.members import member_remove, person_erase
    from tests.personas import resident_of

    company = people["resident_admin"].company
    removed, erased = resident_of(company, "member", "Rhea"), resident_of(company, "admin", "Erin")
    member_remove(membership=removed.membership, actor=people["resident_admin"].user)
    person_erase(membership=erased.membership, actor=erased.user)
    return removed.client, erased.client


@pytest.mark.parametrize("name", PAGES)
def test_outsiders_never_see_a_residents_page(name, people, client, applicant, screening_officer, alice):
    url = url_for(name, people)
    # No one signed in; an applicant's link session; a person the company removed, and one who
    # closed their account, each in the browser they were signed in with.
    for visitor in (client, applicant.client, *_former_people(people)):
        response = visit(visitor, url)
        if name in OUTSIDE_MY:
            assert response.status_code == 404, name
        else:
            assert response.status_code == 302 and response["Location"].startswith("/my/login/"), name

    # Staff roles that read milestone reports read their evidence too (the staff walk covers them).
    staff = () if name in OUTSIDE_MY else (screening_officer,)
    for user in (*staff, alice.user):  # alice: an advisory member nobody named on the report
        signed_in = client.__class__()
        signed_in.force_login(user)
        assert visit(signed_in, url).status_code == 404, (name, user)
        assert signed_in.post(url).status_code in {404, 405}, (name, user)


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_company_b_never_reaches_company_as_objects(name, people):
    url = url_for(name, people)
    outsider = people["other_resident"].client

    assert outsider.get(url).status_code in {404, 405}, name
    assert outsider.post(url).status_code == 404, name


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["resident_admin", "resident_member", "resident_finance"])
def test_company_as_people_reach_their_pages_in_their_role(name, persona, people):
    url = url_for(name, people)
    allowed = persona.removeprefix("resident_") in ROLES.get(name, {"admin", "member", "finance"})
    person = people[persona].client

    read, change = person.get(url).status_code, person.post(url).status_code

    if persona.removeprefix("resident_") not in READERS.get(name, {"admin", "member", "finance"}):
        assert (read, change) == (403, 403), (name, persona, read, change)
        return
    assert read not in {403, 404}, (name, persona, read)
    if allowed:
        assert change not in {403, 404}, (name, persona, change)
    else:
        assert change == 403, (name, persona, change)


@pytest.mark.parametrize("name", sorted(set(PAGES) - {"two_factor"}))  # where the code is entered
def test_a_session_owing_its_second_factor_reaches_nothing_of_the_company(name, people):
    """Signed in with the password only, by someone with an authenticator: the code comes first."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    url = url_for(name, people)
    admin = people["resident_admin"]
    TOTPDevice.objects.create(user=admin.user, name="phone", confirmed=True)

    for method in ("get", "post"):
        response = getattr(admin.client, method)(url)
        if response.status_code == 405:
            continue
        if name in OUTSIDE_MY:
            assert response.status_code == 404, (name, method)
        else:
            assert response.status_code == 302 and response["Location"].startswith("/my/two-factor/"), (name, method)
