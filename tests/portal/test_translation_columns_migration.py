"""The hand-kept English/Chinese pairs move to django-modeltranslation's columns with their values."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from campus.models import Campus
from partners.models import Partner
from residents.models import StageMilestone
from tenants.models import Company, IntakeBatch

BEFORE = [
    ("campus", "0009_shared_spaces"),
    ("tenants", "0013_application_space_months"),
    ("partners", "0004_stage_changed_event"),
    ("residents", "0012_calendar_feed_live_once"),
]
AFTER = [
    ("campus", "0010_campus_texts_in_english_and_chinese"),
    ("tenants", "0014_batch_and_company_texts_in_english_and_chinese"),
    ("partners", "0005_partner_names_in_english_and_chinese"),
    ("residents", "0013_milestone_texts_in_english_and_chinese"),
]
WHEN = "2024-01-01T00:00Z"


@pytest.mark.django_db(transaction=True)
def test_the_texts_in_both_languages_keep_their_values():
    MigrationExecutor(connection).migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps  # the models as they were then
    campus = old.get_model("campus", "Campus").objects.create(
        slug="wuxi", name="Wuxi Campus", name_zh="无锡园区", city="Wuxi", mission="Cure", country="CN", rd_area_m2=1
    )
    old.get_model("campus", "HistoricalCampus").objects.create(
        id=campus.pk, slug="wuxi", name="Wuxi Campus", name_zh="无锡园区", city="Wuxi", country="CN", rd_area_m2=1,
        created_at=WHEN, updated_at=WHEN, history_date=WHEN, history_type="+",
    )  # fmt: skip
    batch = old.get_model("tenants", "IntakeBatch").objects.create(campus=campus, name="First batch", signed_at="Gala")
    described = old.get_model("tenants", "Company").objects.create(
        campus=campus, name="Tigermed", slug="tigermed", country="CN", description="Trials", description_zh="临床试验"
    )
    plain = old.get_model("tenants", "Company").objects.create(campus=campus, name="Omron", slug="omron", country="JP")
    partner = old.get_model("partners", "Partner").objects.create(
        slug="bia",
        name="UK BioIndustry Association",
        name_zh="英国生物产业协会",
        country="GB",
        kind="x",
        relationship="y",
    )
    milestone = old.get_model("residents", "StageMilestone").objects.create(
        campus=campus, stage="incubation", title_en="Trial approved", title_zh="试验获批", description_en="Letter"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    campus = Campus.objects.get(pk=campus.pk)
    assert (campus.name_en, campus.name_zh_hans, campus.city_en, campus.mission_en) == (
        "Wuxi Campus", "无锡园区", "Wuxi", "Cure"
    )  # fmt: skip
    assert campus.city_zh_hans is None and campus.mission_zh_hans is None
    assert (campus.history.get().name_en, campus.history.get().name_zh_hans) == ("Wuxi Campus", "无锡园区")
    batch = IntakeBatch.objects.get(pk=batch.pk)
    assert (batch.name_en, batch.signed_at_en, batch.name_zh_hans) == ("First batch", "Gala", None)
    described, plain = Company.objects.get(pk=described.pk), Company.objects.get(pk=plain.pk)
    assert (described.description_en, described.description_zh_hans) == ("Trials", "临床试验")
    assert not plain.description_en and not plain.description_zh_hans
    partner = Partner.objects.get(pk=partner.pk)
    assert (partner.name_en, partner.name_zh_hans) == ("UK BioIndustry Association", "英国生物产业协会")
    milestone = StageMilestone.objects.get(pk=milestone.pk)
    assert (milestone.title_en, milestone.title_zh_hans, milestone.description_en) == (
        "Trial approved",
        "试验获批",
        "Letter",
    )
    with translation.override("zh-hans"):
        assert (campus.name, described.description, partner.name, milestone.title) == (
            "无锡园区", "临床试验", "英国生物产业协会", "试验获批"
        )  # fmt: skip
        assert (campus.mission, plain.description, batch.name) == ("Cure", "", "First batch")  # English fallback
