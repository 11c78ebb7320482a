"""Public profiles of the first-batch residents: the descriptions reported when the campus opened.

Only what was reported is used (``portal/seed/icampus-2019.json``, the file ``seed_demo`` loads):
an English one-line description per named company. No Chinese description, website or logo was
reported, so none is made up; the companies' admins add them in /my/profile/.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from campus.models import Campus
from tenants.models import Company

from ..services.profile import profile_update


def facts_file() -> Path:
    return Path(settings.BASE_DIR) / "portal" / "seed" / "icampus-2019.json"


def seed(campus: Campus, companies: Iterable[Company]) -> None:
    """Give each listed company of ``campus`` its reported description where its entry has none.

    The Chinese descriptions come with the campus's other Chinese texts (``campus.demo``).
    """
    reported = {
        entry["name"]: entry.get("description", "")
        for entry in json.loads(facts_file().read_text(encoding="utf-8")).get("companies", [])
    }
    for company in companies:
        if company.campus_id != campus.pk or company.description_en or not reported.get(company.name):
            continue
        profile_update(
            company=company,
            description_en=reported[company.name],
            description_zh_hans=company.description_zh_hans or "",
            website=company.website,
            listed=company.listed,
            focus_areas=company.focus_areas.all(),
            actor=None,
        )
