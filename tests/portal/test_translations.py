"""Every user-facing string has its Simplified Chinese translation, compiled and current."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from portal.i18n_compile import LOCALE_DIR
from tests.campus.factories import SpaceFactory

CATALOGUE = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE))

    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_compiled_catalogue_matches_the_source(tmp_path: Path):
    fresh = tmp_path / "django.mo"
    polib.pofile(str(CATALOGUE)).save_as_mofile(str(fresh))

    def entries(path):
        return {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(path))}

    assert entries(CATALOGUE.with_suffix(".mo")) == entries(fresh), "run `make messages` to recompile"


@pytest.mark.django_db
def test_admin_is_translated_under_the_chinese_prefix(staff_client):
    SpaceFactory()

    page = staff_client.get("/zh-hans/admin/campus/space/").content.decode()

    assert "今日空闲" in page and "可用日期" in page
