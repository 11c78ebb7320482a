"""Announcements: staff write them for a campus, a building or chosen companies; each person of the
audience is e-mailed once in their language; residents read them in /my/ and staff see who did."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from portal.roles import group_name
from residents.demo import announcements as demo
from residents.models import Announcement, AnnouncementReceipt, Membership
from residents.services.announcements import (
    announcement_email,
    announcement_publish,
    announcement_save,
    due_announcements_email,
)
from residents.tasks import announcement_email as announcement_email_job
from tests.campus.factories import AllocationFactory, BuildingFactory, CampusFactory, SpaceFactory
from tests.personas import resident_of
from tests.tenants.factories import CompanyFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def write(campus, *, audience="campus", building=None, companies=(), published=True, **fields) -> Announcement:
    """An announcement as staff write it; published a minute ago unless ``published`` says otherwise."""
    title = fields.pop("title", "Fire drill")
    announcement = announcement_save(
        announcement=Announcement(
            campus=campus,
            audience=audience,
            building=building,
            title_en=title,
            title_zh=f"{title}（中文）",
            body_en=f"{title}: details.",
            body_zh=f"{title}：详情。",
            **fields,
        ),
        companies=companies,
    )
    if published is True:
        announcement = announcement_publish(announcement=announcement, at=timezone.now() - dt.timedelta(minutes=1))
    elif published:
        announcement = announcement_publish(announcement=announcement, at=published)
    return announcement


def allocate(company, building, *, starts_on=TODAY - dt.timedelta(days=30), ends_on=None):
    space = SpaceFactory(building=building)
    return AllocationFactory(company=company, space=space, starts_on=starts_on, ends_on=ends_on)


def titles(response) -> list[str]:
    return [announcement.title_en for announcement in response.context["page"].object_list]


@pytest.fixture
def outsider_campus_company():
    return CompanyFactory(campus=CampusFactory(), name="Far Away Bio")


# --- Who an announcement reaches -------------------------------------------------------------


def test_a_campus_announcement_reaches_the_campus_residents_and_no_one_elsewhere(
    campus, resident_member, other_resident, outsider_campus_company
):
    announcement = write(campus)
    stranger = resident_of(outsider_campus_company, "admin", "Sam")
    applicant_company = resident_of(CompanyFactory(campus=campus, status="applicant"), "admin", "Ann")

    for person in (resident_member, other_resident):
        assert titles(person.client.get("/my/announcements/")) == ["Fire drill"]
        assert person.client.get(f"/my/announcements/{announcement.pk}/").status_code == 200
    for person in (stranger, applicant_company):
        assert titles(person.client.get("/my/announcements/")) == []
        assert person.client.get(f"/my/announcements/{announcement.pk}/").status_code == 404


def test_a_building_announcement_reaches_the_companies_with_a_current_allocation_in_it(
    campus, resident_member, other_resident
):
    lab, office = BuildingFactory(campus=campus), BuildingFactory(campus=campus)
    allocate(resident_member.company, lab)
    allocate(other_resident.company, office)
    allocate(other_resident.company, lab, starts_on=TODAY - dt.timedelta(days=90), ends_on=TODAY - dt.timedelta(days=1))
    announcement = write(campus, audience="building", building=lab, title="Power cut in the lab building")

    assert titles(resident_member.client.get("/my/announcements/")) == ["Power cut in the lab building"]
    assert titles(other_resident.client.get("/my/announcements/")) == [], "its allocation there has ended"
    assert other_resident.client.get(f"/my/announcements/{announcement.pk}/").status_code == 404


def test_an_announcement_to_chosen_companies_is_404_for_the_others(campus, resident_member, other_resident):
    announcement = write(campus, audience="companies", companies=[resident_member.company], title="Audit visit")

    assert resident_member.client.get(f"/my/announcements/{announcement.pk}/").status_code == 200
    assert titles(other_resident.client.get("/my/announcements/")) == []
    assert other_resident.client.get(f"/my/announcements/{announcement.pk}/").status_code == 404


@pytest.mark.parametrize("audience", ["campus", "building", "companies"])
def test_the_companies_reached_are_those_that_see_it(campus, audience, outsider_campus_company):
    building = BuildingFactory(campus=campus)
    inside, beside, applicant = (
        CompanyFactory(campus=campus),
        CompanyFactory(campus=campus),
        CompanyFactory(campus=campus, status="applicant"),
    )
    allocate(inside, building)
    allocate(applicant, building)
    announcement = write(
        campus,
        audience=audience,
        building=building if audience == "building" else None,
        companies=[inside] if audience == "companies" else (),
    )

    everyone = [inside, beside, applicant, outsider_campus_company]
    seeing = {company for company in everyone if Announcement.objects.addressed_to(company).filter(pk=announcement.pk)}
    assert seeing == set(announcement.companies_reached())
    assert inside in seeing and outsider_campus_company not in seeing


# --- E-mail: once per person, in their language ----------------------------------------------


def test_publishing_e_mails_each_person_once_in_their_language_even_if_the_job_runs_twice(
    campus, resident_admin, resident_member, other_resident, django_capture_on_commit_callbacks
):
    Membership.objects.filter(pk=resident_member.membership.pk).update(language="zh-hans")
    announcement = write(campus, published=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        announcement_publish(announcement=announcement)
    with django_capture_on_commit_callbacks(execute=True):
        assert announcement_email_job(announcement.pk) == 0
        assert announcement_email(announcement_id=announcement.pk) == 0
        assert due_announcements_email() == 0

    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 3
    assert set(by_address) == {p.user.email for p in (resident_admin, resident_member, other_resident)}
    assert by_address[resident_admin.user.email].subject == "Campus announcement: Fire drill"
    chinese = by_address[resident_member.user.email]
    assert "Fire drill（中文）" in chinese.subject and "Fire drill：详情。" in chinese.body
    assert f"/zh-hans/my/announcements/{announcement.pk}/" in chinese.body
    assert f"/my/announcements/{announcement.pk}/" in by_address[resident_admin.user.email].body
    assert AnnouncementReceipt.objects.filter(announcement=announcement, emailed_at__isnull=False).count() == 3


def test_a_person_joining_later_is_not_e_mailed_for_it(campus, resident_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        announcement = write(campus)
    newcomer = resident_of(resident_admin.company, "member", "Nia")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert due_announcements_email() == 0 and announcement_email(announcement_id=announcement.pk) == 0

    assert mail.outbox == []
    assert newcomer.client.get(f"/my/announcements/{announcement.pk}/").status_code == 200, "they read it in /my/"


def test_an_announcement_set_for_later_is_hidden_and_e_mailed_when_its_time_comes(
    campus, resident_member, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        announcement = write(campus, published=start + dt.timedelta(hours=2))
    assert mail.outbox == [] and titles(resident_member.client.get("/my/announcements/")) == []
    assert due_announcements_email() == 0

    with time_machine.travel(start + dt.timedelta(hours=2, minutes=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert due_announcements_email() == 1
        assert titles(resident_member.client.get("/my/announcements/")) == ["Fire drill"]

    assert [message.to for message in mail.outbox] == [[resident_member.user.email]]
    announcement.refresh_from_db()
    assert announcement.emailed_at is not None


def test_a_draft_is_neither_shown_nor_e_mailed(campus, resident_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = write(campus, published=False)
        assert due_announcements_email() == 0

    assert mail.outbox == []
    assert resident_member.client.get(f"/my/announcements/{draft.pk}/").status_code == 404


def test_joining_from_an_invitation_keeps_its_language_for_the_e_mails(client, resident_company):
    from residents.services.members import invitation_send

    invitation = invitation_send(company=resident_company, email="lin@helix.example.com", language="zh-hans")
    session = client.session
    session["residents_join"] = invitation.token_hash  # as after opening the e-mailed link
    session.save()

    client.post("/my/join/", {"name": "Lin Wei", "password1": "Lab-bench-2019!", "password2": "Lab-bench-2019!"})

    assert Membership.objects.get(user__email="lin@helix.example.com").language == "zh-hans"


# --- Reading: receipts, ends, pins, pages ----------------------------------------------------


def test_opening_an_announcement_marks_it_read_for_that_person_only(campus, resident_admin, resident_member):
    announcement = write(campus)
    assert 'class="badge unread"' in resident_member.client.get("/my/announcements/").content.decode()

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
        first = resident_member.client.get(f"/my/announcements/{announcement.pk}/")
    resident_member.client.get(f"/my/announcements/{announcement.pk}/")

    assert "Fire drill: details." in first.content.decode()
    receipt = AnnouncementReceipt.objects.get(announcement=announcement, user=resident_member.user)
    assert receipt.company == resident_member.company
    assert receipt.read_at is not None and receipt.read_at > announcement.published_at + dt.timedelta(minutes=4)
    assert 'class="badge unread"' not in resident_member.client.get("/my/announcements/").content.decode()
    assert 'class="badge unread"' in resident_admin.client.get("/my/announcements/").content.decode()
    assert not AnnouncementReceipt.objects.filter(user=resident_admin.user).exists()


def test_residents_read_it_in_their_language(campus, resident_member):
    announcement = write(campus)

    page = resident_member.client.get(f"/zh-hans/my/announcements/{announcement.pk}/").content.decode()

    assert "Fire drill（中文）" in page and "Fire drill：详情。" in page


def test_an_announcement_is_shown_until_its_end_date_included(campus, resident_member):
    last_day = write(campus, title="Ends today", ends_on=TODAY)
    ended = write(campus, title="Ended yesterday", ends_on=TODAY - dt.timedelta(days=1), published=False)
    announcement_publish(announcement=ended, at=timezone.now() - dt.timedelta(days=3))

    assert titles(resident_member.client.get("/my/announcements/")) == ["Ends today"]
    assert resident_member.client.get(f"/my/announcements/{last_day.pk}/").status_code == 200
    assert resident_member.client.get(f"/my/announcements/{ended.pk}/").status_code == 404
    assert not Announcement.objects.current(timezone.now() + dt.timedelta(days=1)).exists(), "hidden tomorrow"


def test_pinned_announcements_come_first_then_the_newest(campus, resident_member):
    now = timezone.now()
    write(campus, title="Old pinned", pinned=True, published=now - dt.timedelta(days=9))
    write(campus, title="Older", published=now - dt.timedelta(days=5))
    write(campus, title="Newest", published=now - dt.timedelta(days=1))

    assert titles(resident_member.client.get("/my/announcements/")) == ["Old pinned", "Newest", "Older"]
    home = resident_member.client.get("/my/").content.decode()
    assert home.index("Old pinned") < home.index("Newest") < home.index("Older")


def test_the_home_shows_the_latest_three(campus, resident_member):
    now = timezone.now()
    for day in range(5):
        write(campus, title=f"News {day}", published=now - dt.timedelta(days=day + 1))

    home = resident_member.client.get("/my/")

    assert [a.title_en for a in home.context["announcements"]] == ["News 0", "News 1", "News 2"]
    assert "/my/announcements/" in home.content.decode()


def test_the_list_is_paginated_with_a_constant_number_of_queries(
    campus, resident_member, django_assert_max_num_queries
):
    write(campus, title="Only one")
    with django_assert_max_num_queries(15) as one:
        resident_member.client.get("/my/announcements/")
        resident_member.client.get("/my/")
    now = timezone.now()
    for number in range(25):
        write(campus, title=f"News {number}", pinned=number % 4 == 0, published=now - dt.timedelta(hours=number + 1))

    with django_assert_max_num_queries(len(one.captured_queries)):
        first = resident_member.client.get("/my/announcements/")
        resident_member.client.get("/my/")
    second = resident_member.client.get("/my/announcements/?page=2")

    assert len(titles(first)) == 20 and len(titles(second)) == 6


# --- Who else may reach the pages ------------------------------------------------------------


def test_people_without_a_company_account_cannot_reach_announcements(
    campus, client, staff_user, alice, applicant, other_resident
):
    announcement = write(campus, audience="companies", companies=[CompanyFactory(campus=campus)])
    urls = ["/my/announcements/", f"/my/announcements/{announcement.pk}/"]
    staff, member = Client(), Client()
    staff.force_login(staff_user)
    member.force_login(alice.user)

    for url in urls:
        assert client.get(url)["Location"] == f"/my/login/?next={url}"
        assert applicant.client.get(url).status_code == 302
        assert staff.get(url).status_code == 404
        assert member.get(url).status_code == 404
    assert other_resident.client.get(urls[1]).status_code == 404


# --- Staff: writing, publishing, readers -----------------------------------------------------


def admin_form(campus, **fields) -> dict:
    published = timezone.localtime(timezone.now() - dt.timedelta(minutes=1))
    data = {
        "campus": campus.pk,
        "audience": "campus",
        "building": "",
        "title_en": "Lab safety week",
        "title_zh": "实验室安全周",
        "body_en": "Talks every day at noon.",
        "body_zh": "每天中午有讲座。",
        "published_at_0": published.date().isoformat(),
        "published_at_1": published.strftime("%H:%M:%S"),
        "ends_on": "",
    }
    data.update(fields)
    return data


def test_staff_publish_in_the_admin_and_the_audience_is_e_mailed(
    campus, staff_client, staff_user, resident_admin, other_resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/admin/residents/announcement/add/", admin_form(campus))

    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert (announcement.created_by, announcement.published_by) == (staff_user, staff_user)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident_admin.user.email, other_resident.user.email])
    assert announcement.history.get(history_type="+").history_user == staff_user


def test_staff_publish_a_draft_with_the_admin_action(
    campus, staff_client, resident_member, django_capture_on_commit_callbacks
):
    draft = write(campus, published=False)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            "/admin/residents/announcement/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True
        )
    again = staff_client.post(
        "/admin/residents/announcement/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )

    draft.refresh_from_db()
    assert draft.published_at is not None and [m.to for m in mail.outbox] == [[resident_member.user.email]]
    assert "is published already" in again.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"audience": "companies"}, "Choose at least one company."),
        ({"audience": "building"}, "Choose the building."),
        ({"ends_on": (TODAY - dt.timedelta(days=2)).isoformat()}, "The end comes before the publication."),
    ],
)
def test_the_admin_refuses_an_audience_or_end_that_does_not_fit(campus, staff_client, fields, message):
    response = staff_client.post("/admin/residents/announcement/add/", admin_form(campus, **fields))

    assert response.status_code == 200 and message in response.content.decode()
    assert not Announcement.objects.exists()


def test_the_admin_refuses_a_building_or_company_of_another_campus(campus, staff_client, outsider_campus_company):
    elsewhere = BuildingFactory(campus=outsider_campus_company.campus)

    building = staff_client.post(
        "/admin/residents/announcement/add/", admin_form(campus, audience="building", building=elsewhere.pk)
    )
    companies = staff_client.post(
        "/admin/residents/announcement/add/",
        admin_form(campus, audience="companies", companies=[outsider_campus_company.pk]),
    )

    assert "The building is on another campus." in building.content.decode()
    assert "Not companies of this campus: Far Away Bio." in companies.content.decode()
    assert not Announcement.objects.exists()


def test_once_e_mailed_the_text_may_be_corrected_but_not_whom_it_was_for(
    campus, staff_client, resident_member, other_resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcement = write(campus, audience="companies", companies=[resident_member.company])
    url = f"/admin/residents/announcement/{announcement.pk}/change/"

    page = staff_client.get(url).content.decode()
    staff_client.post(url, admin_form(campus, audience="campus", title_en="Fire drill on Friday"))

    assert 'name="audience"' not in page and 'name="title_en"' in page
    announcement.refresh_from_db()
    assert announcement.title_en == "Fire drill on Friday" and announcement.audience == "companies"
    assert list(announcement.companies.all()) == [resident_member.company]
    assert other_resident.client.get(f"/my/announcements/{announcement.pk}/").status_code == 404


def test_staff_see_how_many_have_read_it_and_who(
    campus, staff_client, resident_admin, resident_member, other_resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcement = write(campus)
    resident_member.client.get(f"/my/announcements/{announcement.pk}/")

    listing = staff_client.get("/admin/residents/announcement/").content.decode()
    readers = staff_client.get(f"/admin/residents/announcementreceipt/?announcement__id__exact={announcement.pk}")
    unread = staff_client.get(
        f"/admin/residents/announcementreceipt/?announcement__id__exact={announcement.pk}&read_at__isempty=1"
    )

    assert f'?announcement__id__exact={announcement.pk}">1 / 3</a>' in listing
    assert readers.status_code == 200 and len(readers.context["cl"].result_list) == 3
    assert {r.user for r in unread.context["cl"].result_list} == {resident_admin.user, other_resident.user}


def test_the_admin_lists_run_a_fixed_number_of_queries(campus, staff_client, django_assert_max_num_queries):
    def load():
        staff_client.get("/admin/residents/announcement/")
        staff_client.get("/admin/residents/announcementreceipt/")

    company = CompanyFactory(campus=campus)
    resident_of(company, "member", "Uma")
    write(campus, title="One")
    announcement_email(announcement_id=Announcement.objects.get().pk)
    with django_assert_max_num_queries(40) as one:
        load()
    for number in range(10):
        resident_of(company, "member", f"Person{number}")
        announcement_email(announcement_id=write(campus, title=f"News {number}").pk)

    with django_assert_max_num_queries(len(one.captured_queries)):
        load()


@pytest.mark.parametrize(
    ("role", "url", "expected"),
    [
        ("campus_manager", "/admin/residents/announcement/add/", 200),
        ("campus_manager", "/admin/residents/announcementreceipt/", 200),
        ("auditor", "/admin/residents/announcement/", 200),
        ("auditor", "/admin/residents/announcement/add/", 403),
        ("space_manager", "/admin/residents/announcement/", 403),
        ("screening_officer", "/admin/residents/announcementreceipt/", 403),
    ],
)
def test_campus_managers_write_announcements_and_auditors_read_them(client, django_user_model, role, url, expected):
    user = django_user_model.objects.create_user(username=role, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name(role)))
    client.force_login(user)

    assert client.get(url).status_code == expected


# --- Demo data -------------------------------------------------------------------------------


def test_the_demo_seeds_a_few_announcements_once(campus, resident_member, other_resident):
    building = BuildingFactory(campus=campus)
    allocate(resident_member.company, building)
    companies = [resident_member.company, other_resident.company]

    first = demo.seed(campus, companies)
    again = demo.seed(campus, companies)

    assert [a.pk for a in first] == [a.pk for a in again] and Announcement.objects.count() == 5
    assert {a.audience for a in first} == {"campus", "building", "companies"}
    shown = titles(resident_member.client.get("/my/announcements/"))
    assert shown[0] == "Welcome to your company's area on the portal" and len(shown) == 4, "one has ended"
