"""Static files' URLs in production: named by content from the manifest, worked out once per process."""

from __future__ import annotations

import json

import pytest

from common.static import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"version": "1.1", "paths": {"admin/img/icon-yes.svg": "admin/img/icon-yes.d2f9f035226a.svg"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_static_file_is_named_by_its_content_every_time(storage):
    urls = [storage.url("admin/img/icon-yes.svg") for _ in range(2)]

    assert urls == ["/static/admin/img/icon-yes.d2f9f035226a.svg"] * 2


def test_a_file_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("admin/img/missing.svg")
