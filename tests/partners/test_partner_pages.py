"""The public partners page, and seed_demo's partners from the campus data."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from partners.models import Partner
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_seed_loads_the_four_partners_from_the_campus_data():
    call_command("seed_demo", "--no-admin", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert set(Partner.objects.values_list("slug", flat=True)) == {
        "skolkovo-innovation-center",
        "uk-bioindustry-association",
        "hong-kong-innovation-medical-society",
        "nasscom",
    }
    assert Partner.objects.get(slug="nasscom").country.code == "IN"


def test_partners_page_in_both_languages(client):
    PartnerFactory(name="Skolkovo Innovation Center", country="RU", kind="innovation_center")
    PartnerFactory(name="Former Partner", status="ended")

    english = client.get("/partners/").content.decode()
    chinese = client.get("/zh-hans/partners/").content.decode()

    assert "Skolkovo Innovation Center" in english and "Innovation centre" in english and "Russia" in english
    assert "Former Partner" not in english
    assert "合作机构" in chinese and "创新中心" in chinese and "俄罗斯" in chinese


def test_empty_partners_page_says_so(client):
    assert "No partner organisations yet." in client.get("/partners/").content.decode()
