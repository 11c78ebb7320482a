"""A space's codes of platform stages and gases, as partners read them, follow every change."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campus.models import Gas, PlatformStage, Space, sync_lookups
from tests.campus.factories import SpaceFactory

pytestmark = pytest.mark.django_db


def listed(api, space) -> dict:
    """The space as the partner API lists it."""
    results = api.get("/api/v1/spaces/", {"campus": space.building.campus.slug}).json()["results"]
    return {row["id"]: row for row in results}[space.pk]


def gas(code: str) -> Gas:
    return Gas.objects.get(code=code)


def test_saving_a_space_after_its_gases_changed_keeps_their_codes(api_a):
    space = SpaceFactory()

    space.gases.add(gas("n2"))
    space.fume_hoods = 3
    space.save()

    assert space.gas_codes == ["n2"]
    assert listed(api_a, space)["gases"] == ["n2"] and listed(api_a, space)["fume_hoods"] == 3


def test_a_space_loaded_before_its_gases_changed_does_not_write_the_old_codes_back(api_a):
    space = SpaceFactory()
    loaded_before = Space.objects.get(pk=space.pk)
    gas("o2").spaces.add(space)  # from the gas's side

    loaded_before.floor = 4
    loaded_before.save()

    assert listed(api_a, space)["gases"] == ["o2"] and listed(api_a, space)["floor"] == 4
    # Its history row records the codes the row holds, not the ones loaded before.
    assert space.history.first().gas_codes == ["o2"]


def test_a_space_saved_with_update_fields_keeps_its_codes(api_a):
    space = SpaceFactory()
    loaded_before = Space.objects.get(pk=space.pk)
    space.platform_stages.add(PlatformStage.objects.order_by("position").first())

    loaded_before.floor = 5
    loaded_before.save(update_fields=["floor"])

    assert listed(api_a, space)["platform_stages"] == space.platform_stage_codes != []


def test_gases_chosen_in_the_admin_change_form_are_listed_and_recorded(api_a, staff_client):
    space = SpaceFactory(code="101")
    data = {
        "building": space.building_id,
        "code": "101",
        "floor": "2",
        "kind": "laboratory",
        "area_m2": "200",
        "fume_hoods": "2",
        "gases": [gas("o2").pk, gas("co2").pk],
        "allocations-TOTAL_FORMS": "0",
        "allocations-INITIAL_FORMS": "0",
    }
    url = reverse("admin:campus_space_change", args=[space.pk])

    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    response = staff_client.post(url, {**data, "floor": "3"})

    assert response.status_code == 302
    assert listed(api_a, space)["gases"] == ["co2", "o2"]  # in the gases' order, not the form's
    assert space.history.first().gas_codes == ["co2", "o2"]


def test_a_deleted_gas_leaves_the_spaces_that_had_it(api_a):
    space, other = SpaceFactory(), SpaceFactory()
    space.gases.set([gas("co2"), gas("argon")])
    other.gases.set([gas("argon")])

    gas("argon").delete()

    assert listed(api_a, space)["gases"] == ["co2"]
    assert listed(api_a, other)["gases"] == []


def test_a_deleted_platform_stage_leaves_the_spaces_that_had_it(api_a):
    first, second = PlatformStage.objects.order_by("position")[:2]
    space = SpaceFactory()
    space.platform_stages.set([first, second])

    PlatformStage.objects.filter(pk=first.pk).delete()

    assert listed(api_a, space)["platform_stages"] == [second.code]


def test_a_gas_moved_in_the_order_reorders_the_spaces_codes(api_a):
    space = SpaceFactory()
    space.gases.set([gas("co2"), gas("vacuum")])
    assert listed(api_a, space)["gases"] == ["co2", "vacuum"]

    moved = gas("co2")
    moved.position = 99
    moved.save()

    assert listed(api_a, space)["gases"] == ["vacuum", "co2"]


def test_a_renamed_gas_code_shows_on_the_spaces_that_have_it(api_a):
    space = SpaceFactory()
    space.gases.set([gas("n2")])

    Gas.objects.update_or_create(code="n2", defaults={"code": "nitrogen"})

    assert listed(api_a, space)["gases"] == ["nitrogen"]


def test_a_deploy_that_changes_no_lookup_writes_no_space(db):
    space = SpaceFactory()
    space.gases.set([gas("n2")])

    with CaptureQueriesContext(connection) as queries:
        sync_lookups(apps.get_app_config("campus"))

    written = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "campus_space" in q["sql"]]
    assert written == []
    assert Space.objects.get(pk=space.pk).gas_codes == ["n2"]
