"""Staff roles: what each can see and change in the admin and on the staff pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from portal.roles import group_name
from tests.campus.factories import SpaceFactory
from tests.partners.factories import PartnerFactory
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(client, django_user_model):
    def sign_in(role: str):
        user = django_user_model.objects.create_user(username=role, password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=group_name(role)))
        client.force_login(user)
        return client

    return sign_in


# (role, URL, expected status)
MATRIX = [
    ("campus_manager", "/admin/campus/space/", 200),
    ("campus_manager", "/admin/tenants/application/", 200),
    ("campus_manager", "/admin/partners/partnertoken/add/", 200),
    ("campus_manager", "/staff/onboarding/", 200),
    ("screening_officer", "/admin/tenants/application/", 200),
    ("screening_officer", "/staff/onboarding/", 200),
    ("screening_officer", "/admin/advisory/review/", 200),
    ("screening_officer", "/admin/advisory/review/add/", 403),
    ("screening_officer", "/admin/campus/allocation/add/", 403),
    ("screening_officer", "/admin/partners/partnertoken/", 403),
    ("space_manager", "/admin/campus/allocation/add/", 200),
    ("space_manager", "/admin/campus/space/", 200),
    ("space_manager", "/admin/tenants/application/", 403),
    ("space_manager", "/staff/onboarding/", 403),
    ("space_manager", "/admin/partners/partner/", 403),
    ("partnerships_manager", "/admin/partners/partnertoken/add/", 200),
    ("partnerships_manager", "/admin/partners/webhookendpoint/", 200),
    ("partnerships_manager", "/admin/campus/allocation/", 403),
    ("partnerships_manager", "/admin/advisory/review/", 403),
    ("auditor", "/admin/campus/allocation/", 200),
    ("auditor", "/admin/tenants/application/", 200),
    ("auditor", "/admin/partners/partnertoken/", 200),
    ("auditor", "/admin/advisory/review/", 200),
    ("auditor", "/admin/campus/allocation/add/", 403),
    ("auditor", "/admin/partners/partnertoken/add/", 403),
    ("auditor", "/staff/onboarding/", 200),
    ("auditor", "/admin/residents/lease/", 200),
    ("auditor", "/admin/residents/lease/add/", 403),
    ("finance", "/admin/residents/lease/add/", 200),
    ("finance", "/admin/campus/allocation/", 200),
    ("finance", "/admin/campus/allocation/add/", 403),
    ("finance", "/admin/tenants/application/", 403),
    ("campus_manager", "/admin/residents/lease/add/", 200),
    ("space_manager", "/admin/residents/lease/", 403),
    # Space over time: whoever sees allocations.
    ("campus_manager", "/staff/space/", 200),
    ("space_manager", "/staff/space/", 200),
    ("screening_officer", "/staff/space/", 200),
    ("auditor", "/staff/space/", 200),
    ("finance", "/staff/space/", 200),
    ("partnerships_manager", "/staff/space/", 403),
    ("front_desk", "/staff/space/", 403),
    ("service_desk", "/staff/space/", 403),
    ("facility_manager", "/admin/residents/resource/add/", 200),
    ("facility_manager", "/admin/residents/training/add/", 200),
    ("facility_manager", "/admin/residents/booking/", 200),
    ("facility_manager", "/admin/residents/booking/add/", 403),
    ("facility_manager", "/admin/residents/lease/", 403),
    ("facility_manager", "/admin/tenants/application/", 403),
    ("campus_manager", "/admin/residents/resource/add/", 200),
    ("campus_manager", "/admin/residents/booking/add/", 403),
    ("front_desk", "/admin/residents/booking/", 200),
    ("front_desk", "/admin/residents/resource/", 200),
    ("front_desk", "/admin/residents/resource/add/", 403),
    ("front_desk", "/admin/residents/training/", 403),
    ("finance", "/admin/residents/booking/", 200),
    ("auditor", "/admin/residents/training/", 200),
    ("auditor", "/admin/residents/resource/add/", 403),
    ("space_manager", "/admin/residents/booking/", 403),
    ("screening_officer", "/admin/residents/resource/", 403),
]


@pytest.mark.parametrize(("role", "url", "expected"), MATRIX)
def test_role_matrix(as_role, role, url, expected):
    assert as_role(role).get(url).status_code == expected


# Allocating a space with its draft lease needs both campus.add_allocation and residents.add_lease.
LETTING_MATRIX = [
    ("campus_manager", 200),
    ("space_manager", 403),
    ("finance", 403),
    ("screening_officer", 403),
    ("auditor", 403),
    ("partnerships_manager", 403),
]


@pytest.mark.parametrize(("role", "expected"), LETTING_MATRIX)
def test_role_matrix_of_allocating_a_space_with_its_lease(as_role, role, expected):
    application = ApplicationFactory(status="approved")
    space = SpaceFactory(building__campus=application.campus)
    url = f"/staff/applications/{application.pk}/let/?space={space.pk}"

    client = as_role(role)

    assert client.get(url).status_code == expected
    sent = client.post(url, {"space": space.pk, "starts_on": "2030-01-01", "ends_on": "2030-12-31"})
    assert sent.status_code == (302 if expected == 200 else 403)


def test_auditor_reads_but_cannot_change(as_role):
    space = SpaceFactory(code="R1")

    client = as_role("auditor")
    page = client.get(f"/admin/campus/space/{space.pk}/change/")
    response = client.post(f"/admin/campus/space/{space.pk}/change/", {"code": "HACKED"})

    assert page.status_code == 200 and 'name="code"' not in page.content.decode()
    assert response.status_code == 403
    space.refresh_from_db()
    assert space.code == "R1"


def test_screening_officer_moves_applications_but_space_manager_cannot(as_role, client, django_user_model):
    application = ApplicationFactory(status="submitted")

    officer = as_role("screening_officer")
    assert (
        officer.post(f"/admin/tenants/application/{application.pk}/transition/", {"to": "screening"}).status_code == 302
    )
    application.refresh_from_db()
    assert application.status == "screening"

    manager = as_role("space_manager")
    assert manager.get(f"/admin/tenants/application/{application.pk}/transition/").status_code == 403


def test_partnerships_manager_manages_partners_only(as_role):
    partner = PartnerFactory()
    client = as_role("partnerships_manager")

    assert client.get(f"/admin/partners/partner/{partner.pk}/change/").status_code == 200
    assert client.get("/admin/tenants/company/add/").status_code == 403


def _system_changelists() -> list[str]:
    """The changelist of every model the admin lists under System."""
    from django.contrib import admin

    from portal.admin_site import section_of

    return sorted(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
        if section_of(model._meta.app_label, model._meta.model_name) == "system"
    )


# The system's workings are for the roles that run it (and the auditor who reads everything): the
# staff who run the campus neither see them on the admin's index nor reach their lists.
SYSTEM_MATRIX = [
    (role, url, 403)
    for role in ["campus_manager", "finance", "front_desk", "screening_officer", "partnerships_manager"]
    for url in _system_changelists()
] + [
    ("system_operator", "/admin/django_celery_beat/periodictask/", 200),
    ("system_operator", "/admin/axes/accessattempt/", 200),
    ("system_operator", "/admin/portal/failedjob/", 200),
    ("system_operator", "/admin/tenants/domainevent/", 200),
    ("system_operator", "/admin/partners/webhookdelivery/", 200),
    ("system_operator", "/admin/tenants/application/", 403),
    ("auditor", "/admin/axes/accessattempt/", 200),
]


@pytest.mark.parametrize(("role", "url", "expected"), SYSTEM_MATRIX)
def test_role_matrix_of_the_system_models(as_role, role, url, expected):
    assert as_role(role).get(url).status_code == expected


@pytest.mark.parametrize("role", ["campus_manager", "finance", "front_desk"])
def test_the_admin_index_shows_no_system_section_to_staff_who_run_the_campus(as_role, role):
    page = as_role(role).get("/admin/")

    sections = [section["app_label"] for section in page.context["app_list"]]
    assert page.status_code == 200 and sections and "system" not in sections
    assert "/admin/axes/" not in page.content.decode() and "/admin/django_celery_beat/" not in page.content.decode()
