"""Loading a campus from its published facts, and illustrative buildings for demonstrations.

Every function is idempotent: loading the same data again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models, transaction
from django.utils.text import slugify

from .models import Building, BusinessArea, Campus, CampusTarget, Gas, PlatformStage, Space


def upsert(model: type[models.Model], *, defaults: dict, **lookup) -> models.Model:
    """Like ``update_or_create``, but writes only when a value differs, so reloading changes nothing."""
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    if not created:
        changed = [name for name, value in defaults.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, defaults[name])
            obj.save(update_fields=changed)
    return obj


def chinese_texts_load(obj: models.Model, texts: dict) -> None:
    """Write Simplified Chinese ``texts`` (field name → text, or list of lines) into the object's
    _zh_hans columns (django-modeltranslation), only where they differ."""
    values = {
        f"{name}_zh_hans": "\n".join(text) if isinstance(text, list) else text
        for name, text in texts.items()
        if not name.startswith("_")
    }
    changed = [name for name, text in values.items() if getattr(obj, name) != text]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)


def _slug_for(facts: dict) -> str:
    return slugify(facts.get("short_name", "").replace("·", "-")) or slugify(facts["name"])


@transaction.atomic
def campus_load_facts(*, facts: dict, business_areas: list[str]) -> Campus:
    """Create or update a campus from a facts document's ``campus`` section."""
    campus = upsert(
        Campus,
        slug=_slug_for(facts),
        defaults={
            "name_en": facts["name"],
            "short_name": facts.get("short_name", ""),
            "name_zh_hans": facts.get("name_zh") or None,
            "city_en": facts["city"],
            "district_en": facts.get("district", ""),
            "province_en": facts.get("province", ""),
            "country": facts["country"],
            "rd_area_m2": facts["rd_area_m2"],
            "opened_on": dt.date.fromisoformat(facts["opened_on"]) if facts.get("opened_on") else None,
            "mission_en": facts.get("mission", ""),
            "co_builders_en": "\n".join(facts.get("co_builders", [])),
        },
    )
    campus.platform_stages.set(PlatformStage.objects.filter(code__in=facts.get("platform_stages", [])))
    campus.business_areas.set(BusinessArea.objects.filter(code__in=business_areas))
    for target in facts.get("targets", []):
        upsert(
            CampusTarget,
            campus=campus,
            metric=target["metric"],
            due_on=dt.date.fromisoformat(target["by"]),
            defaults={"comparison": target["comparison"], "value": target["value"], "label": target.get("label", "")},
        )
    return campus


def _floor_areas(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` by ``weights`` into whole square metres that add up to ``total`` exactly."""
    whole = sum(weights)
    areas = [total * weight // whole for weight in weights]
    areas[-1] += total - sum(areas)
    return areas


@transaction.atomic
def campus_load_demo_buildings(*, campus: Campus, layout: dict) -> list[Building]:
    """Illustrative buildings (flagged as demo data) whose floor areas add up to the campus's R&D area."""
    specs = layout["buildings"]
    areas = _floor_areas(campus.rd_area_m2, [spec["weight"] for spec in specs])
    stages = {stage.code: stage for stage in PlatformStage.objects.all()}
    gases = {gas.code: gas for gas in Gas.objects.all()}
    buildings = []
    for spec, area in zip(specs, areas, strict=True):
        building = upsert(
            Building,
            campus=campus,
            code=spec["code"],
            defaults={"name": spec["name"], "floors": spec.get("floors"), "gross_floor_area_m2": area, "is_demo": True},
        )
        for space_spec in spec["spaces"]:
            space = upsert(
                Space,
                building=building,
                code=space_spec["code"],
                defaults={
                    "floor": space_spec.get("floor", 1),
                    "kind": space_spec["kind"],
                    "area_m2": Decimal(space_spec["area_m2"]),
                    "biosafety_level": space_spec.get("biosafety_level", ""),
                    "cleanroom_class": space_spec.get("cleanroom_class", ""),
                    "fume_hoods": space_spec.get("fume_hoods", 0),
                    "has_cold_room": space_spec.get("has_cold_room", False),
                    "power_notes": space_spec.get("power_notes", ""),
                    "floor_load_notes": space_spec.get("floor_load_notes", ""),
                },
            )
            space.platform_stages.set([stages[code] for code in space_spec.get("stages", [])])
            space.gases.set([gases[code] for code in space_spec.get("gases", [])])
        buildings.append(building)
    return buildings
