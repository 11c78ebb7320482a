"""What makes the partner API cheap to poll stays correct: cached tokens, copied area codes, Redis counters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campus.models import BusinessArea
from partners.api.serializers import CompanySerializer
from partners.choices import PartnerStatus
from partners.models import PartnerToken
from partners.tokens import partner_token_revoke
from tenants.models import Company, FocusArea
from tests.partners.factories import client_with, token_for
from tests.tenants.factories import CompanyFactory


def test_a_cached_token_stops_working_at_once_when_revoked_suspended_or_expired(partner_a):
    secret = token_for(partner_a, expires_in_days=1)
    api = client_with(secret)
    assert api.get("/api/v1/me/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/me/").status_code == 200
    assert not any("partners_partnertoken" in q["sql"] for q in queries), "the token is read from the cache"

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=2)):
        assert api.get("/api/v1/me/").status_code == 401

    partner_token_revoke(token=PartnerToken.objects.get(prefix=secret[:12]))
    assert api.get("/api/v1/me/").status_code == 401

    other = client_with(token_for(partner_a))
    assert other.get("/api/v1/me/").status_code == 200
    partner_a.status = PartnerStatus.SUSPENDED
    partner_a.save()
    assert other.get("/api/v1/me/").status_code == 401


def test_company_list_matches_the_documented_serializer_and_follows_area_changes(api_a):
    company = CompanyFactory(name="Genomics Ltd", description="Sequencing.", website="https://genomics.example.com")
    company.business_areas.set(BusinessArea.objects.filter(code__in=["diagnosis", "pharmacy"]))
    company.focus_areas.add(FocusArea.objects.get(code="ai_diagnosis"))

    def listed():
        return api_a.get("/api/v1/companies/").json()["results"][0]

    documented = CompanySerializer(Company.objects.get(pk=company.pk)).data
    assert listed() == dict(documented)
    assert listed()["business_areas"] == ["pharmacy", "diagnosis"]  # in the lookup's order

    company.business_areas.remove(BusinessArea.objects.get(code="pharmacy"))
    assert listed()["business_areas"] == ["diagnosis"]
    BusinessArea.objects.get(code="equipment").companies.add(company)  # from the other side
    assert listed()["business_areas"] == ["diagnosis", "equipment"]
    FocusArea.objects.get(code="ai_diagnosis").companies.clear()
    assert listed()["focus_areas"] == []
    company.business_areas.clear()
    assert listed()["business_areas"] == []


def test_space_list_follows_stage_and_gas_changes_at_once(api_a, staff_client):
    from campus.models import Gas, PlatformStage, Space
    from partners.api.serializers import SpaceSerializer
    from tests.campus.factories import SpaceFactory

    space = SpaceFactory(building__campus__slug="codes")
    space.gases.set(Gas.objects.filter(code__in=["o2", "n2"]))
    space.platform_stages.add(PlatformStage.objects.get(code="incubation"))

    def listed():
        return api_a.get("/api/v1/spaces/", {"campus": "codes"}).json()["results"][0]

    documented = SpaceSerializer(Space.objects.get(pk=space.pk)).data
    assert listed() == dict(documented)
    assert listed()["gases"] == ["n2", "o2"] and listed()["platform_stages"] == ["incubation"]

    space.gases.remove(Gas.objects.get(code="o2"))
    assert listed()["gases"] == ["n2"]
    Gas.objects.get(code="co2").spaces.add(space)  # from the other side
    assert listed()["gases"] == ["co2", "n2"]
    PlatformStage.objects.get(code="incubation").spaces.clear()
    assert listed()["platform_stages"] == []
    space.gases.clear()
    assert listed()["gases"] == []

    # Staff tick stages and gases on the space's page in the admin.
    url = reverse("admin:campus_space_change", args=[space.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(
        platform_stages=[
            PlatformStage.objects.get(code=code).pk for code in ["incubation", "research_and_development"]
        ],
        gases=[Gas.objects.get(code="argon").pk, Gas.objects.get(code="co2").pk],
        **{"allocations-TOTAL_FORMS": 0, "allocations-INITIAL_FORMS": 0},
    )
    assert staff_client.post(url, data).status_code == 302
    assert listed()["platform_stages"] == ["research_and_development", "incubation"]  # in the lookup's order
    assert listed()["gases"] == ["co2", "argon"]
    assert listed() == dict(SpaceSerializer(Space.objects.get(pk=space.pk)).data)


def test_area_filters_name_a_bad_value_and_never_repeat_a_company(api_a):
    company = CompanyFactory()
    company.business_areas.set(BusinessArea.objects.filter(code__in=["diagnosis", "pharmacy", "equipment"]))

    assert len(api_a.get("/api/v1/companies/", {"business_area": "diagnosis"}).json()["results"]) == 1
    bad = api_a.get("/api/v1/companies/", {"business_area": "astrology"})
    assert bad.status_code == 400 and "business_area" in bad.json()["error"]["fields"]


@pytest.mark.redis
def test_redis_cache_counts_atomically_and_refuses_missing_keys(settings):
    cache = caches["default"]
    cache.delete("speed-test")
    with pytest.raises(ValueError):
        cache.incr("speed-test")
    cache.set("speed-test", 1)
    assert [cache.incr("speed-test") for _ in range(3)] == [2, 3, 4]
    assert cache.incr("speed-test", 10) == 14 and cache.get("speed-test") == 14
    cache.delete("speed-test")


def test_referral_list_matches_the_documented_serializer(api_a, partner_a, campus):
    from partners.api.serializers import ReferralSerializer
    from partners.models import Referral

    created = api_a.post(
        "/api/v1/referrals/",
        {
            "campus": campus.slug,
            "company_name": "Listed Bio",
            "country": "GB",
            "contact_name": "Ann Lee",
            "contact_email": "ann@listed.example.com",
            "note": "Met at BIO.",
        },
        format="json",
    )
    assert created.status_code == 201

    listed = api_a.get("/api/v1/referrals/").json()["results"]

    referral = Referral.objects.select_related("company", "application__campus").get()
    assert listed == [dict(ReferralSerializer(referral).data)] == [created.json()]


def test_space_list_matches_the_documented_serializer_in_a_fixed_number_of_queries(
    api_a, django_assert_max_num_queries
):
    from campus.models import Gas, PlatformStage, Space
    from partners.api.serializers import SpaceSerializer
    from tests.campus.factories import AllocationFactory, CampusFactory, SpaceFactory

    campus = CampusFactory(slug="rows")
    stages, gases = list(PlatformStage.objects.order_by("-position")), list(Gas.objects.order_by("-position"))
    for index in range(12):
        space = SpaceFactory(
            building__campus=campus,
            area_m2=Decimal("100.5") + index,
            floor=index % 3 - 1,
            biosafety_level="bsl2" if index % 2 else "",
            fume_hoods=index % 4,
            has_cold_room=index % 5 == 0,
        )
        space.platform_stages.set(stages[: index % 3])  # given against lookup order, shown in it
        space.gases.set(gases[: index % 4])
        if index % 3 == 0:  # a shared space with area left is still available
            AllocationFactory(space=space, area_m2=Decimal("50"), starts_on=dt.date(2026, 1, 1), ends_on=None)
    taken = AllocationFactory(space__building__campus=campus, starts_on=dt.date(2026, 1, 1), ends_on=None).space
    SpaceFactory(building__campus=campus, area_m2=Decimal("99"))  # too small
    spaces = Space.objects.with_location().prefetch_related("platform_stages", "gases").order_by("-pk")
    documented = [dict(SpaceSerializer(space).data) for space in spaces if space.area_m2 >= 100 and space != taken]
    assert any(row["platform_stages"] and len(row["gases"]) > 1 for row in documented)
    api_a.get("/api/v1/me/")  # the token is cached, as when polling

    counts = set()
    for page_size in (10, 50, 200):
        with django_assert_max_num_queries(1) as queries:  # the codes are read from the space rows
            response = api_a.get(
                "/api/v1/spaces/",
                {"campus": "rows", "available_on": "2026-06-01", "min_area": "100", "page_size": page_size},
            )
        counts.add(len(queries.captured_queries))
        assert response.json()["results"] == documented[:page_size]
    assert len(counts) == 1
