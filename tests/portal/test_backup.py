"""Backups of the database and the documents folder restore, and a damaged one is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from campus.models import Campus
from tests.campus.factories import CampusFactory

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and SQLite's backup see committed rows


@pytest.fixture
def documents(private_media):
    folder = private_media / "applications" / "1"
    folder.mkdir(parents=True)
    (folder / "deck.pdf").write_bytes(b"%PDF-1.4 business plan")
    return private_media


def latest(root: Path) -> Path:
    return sorted(root.iterdir())[-1]


def test_backup_verifies_then_restores_rows_and_documents(documents, tmp_path, capsys):
    CampusFactory(slug="kept", name="Kept Campus")
    call_command("backup", "--to", str(tmp_path / "backups"))
    assert "verified" in capsys.readouterr().out
    backup = latest(tmp_path / "backups")

    Campus.objects.all().delete()
    (documents / "applications" / "1" / "deck.pdf").unlink()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup))
    call_command("restore", str(backup), "--yes")

    assert Campus.objects.filter(slug="kept").exists()
    assert (documents / "applications" / "1" / "deck.pdf").read_bytes() == b"%PDF-1.4 business plan"


def test_a_damaged_backup_is_named(documents, tmp_path):
    CampusFactory()
    call_command("backup", "--to", str(tmp_path / "backups"), "--no-verify")
    backup = latest(tmp_path / "backups")
    manifest = (backup / "manifest.json").read_text()
    (backup / "manifest.json").write_text(
        manifest.replace('"campus_campus": 1', '"campus_campus": 2').replace(
            '"applications/1/deck.pdf": "', '"applications/1/deck.pdf": "0'
        )
    )

    with pytest.raises(CommandError) as failure:
        call_command("verify_backup", str(backup))

    assert "table campus_campus: 1 rows restored, 2 backed up" in str(failure.value)
    assert "document applications/1/deck.pdf: content differs" in str(failure.value)
