"""Loading a campus's published partners. Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from campus.demo import upsert
from campus.models import Campus

from .models import Partner


def _slug(name: str) -> str:
    # "National Association of ... (NASSCOM)" is known by its acronym.
    if "(" in name and name.endswith(")"):
        return slugify(name[name.rindex("(") + 1 : -1])
    return slugify(name)


@transaction.atomic
def partners_load(*, campus: Campus, partners: list[dict]) -> list[Partner]:
    loaded = []
    for facts in partners:
        partner = upsert(
            Partner,
            slug=_slug(facts["name"]),
            defaults={
                "name_en": facts["name"],
                "country": facts["country"],
                "kind": facts["kind"],
                "relationship": facts["relationship"],
            },
        )
        partner.campuses.add(campus)
        loaded.append(partner)
    return loaded
