"""Changes are recorded with who, when and what changed, and shown in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.models import PartnerToken
from partners.tokens import partner_token_revoke
from tenants.services.applications import application_transition
from tests.campus.factories import SpaceFactory
from tests.partners.factories import PartnerFactory, token_for
from tests.tenants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_admin_change_to_a_space_is_recorded_with_its_author_and_shown(staff_client, staff_user):
    space = SpaceFactory(code="101", area_m2=100)
    data = {
        "building": space.building_id,
        "code": "101",
        "floor": "2",
        "kind": "laboratory",
        "area_m2": "140",
        "fume_hoods": "0",
        "allocations-TOTAL_FORMS": "0",
        "allocations-INITIAL_FORMS": "0",
    }

    response = staff_client.post(reverse("admin:campus_space_change", args=[space.pk]), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    latest = space.history.first()
    assert latest.history_user == staff_user
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(latest.prev_record).changes}
    assert changes["floor"] == (1, 2)
    page = staff_client.get(reverse("admin:campus_space_history", args=[space.pk])).content.decode()
    assert "staff" in page


def test_status_changes_of_applications_are_in_the_history(staff_user):
    application = ApplicationFactory(status="submitted")

    application_transition(application=application, to="screening", actor=staff_user)

    assert [h.status for h in application.history.all()][:2] == ["screening", "submitted"]


def test_token_history_records_revocation_but_never_the_secret(db):
    token_for(PartnerFactory())
    token = PartnerToken.objects.get()

    partner_token_revoke(token=token)

    history = token.history.first()
    assert history.revoked_at is not None
    assert "token_hash" not in {field.name for field in history._meta.get_fields()}
