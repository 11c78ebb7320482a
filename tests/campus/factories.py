from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from campus.choices import SpaceKind
from campus.models import Allocation, Building, Campus, Space


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campus
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"campus-{n}")
    name = factory.Sequence(lambda n: f"Test Life Science Campus {n}")
    name_zh_hans = factory.Sequence(lambda n: f"测试生命科学园 {n}")
    city = "Wuxi"
    country = "CN"
    rd_area_m2 = 10000
    opened_on = dt.date(2019, 9, 20)


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    campus = factory.SubFactory(CampusFactory)
    code = factory.Sequence(lambda n: f"B{n}")
    name = factory.Sequence(lambda n: f"Building {n}")
    gross_floor_area_m2 = 5000


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    building = factory.SubFactory(BuildingFactory)
    code = factory.Sequence(lambda n: f"{100 + n}")
    kind = SpaceKind.LABORATORY
    area_m2 = Decimal("200.00")


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    space = factory.SubFactory(SpaceFactory)
    company = factory.SubFactory(
        "tests.tenants.factories.CompanyFactory", campus=factory.SelfAttribute("..space.building.campus")
    )
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 12, 31)
    area_m2 = factory.SelfAttribute("space.area_m2")
