"""Backups of the database and the private documents, and proof that they restore.

A backup is a folder holding ``database.dump`` (pg_dump's custom format on PostgreSQL, a copy
made with SQLite's online backup on SQLite), ``documents.tar.gz`` and ``manifest.json`` (row counts
of every table and a SHA-256 of every document). ``verify`` restores the dump into a scratch
database and the archive into a scratch folder and compares both with the manifest.

Documents are read and written through ``common.storage.private_storage``: the local folder, or
the S3 bucket when one is configured, so a backup of either restores into either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import connection

from common.storage import PROBE_FOLDER, private_storage, stored_names


class BackupError(Exception):
    pass


CHUNK = 1024 * 1024


def _documents() -> list[str]:
    """The names of every stored document, but /readyz's probes."""
    return [name for name in stored_names(private_storage) if not name.startswith(f"{PROBE_FOLDER}/")]


def _checksums(root: Path) -> dict[str, str]:
    """SHA-256 of every file below a restored folder, by its name relative to it."""
    sums = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            sums[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def _archive_documents(archive: tarfile.TarFile) -> dict[str, str]:
    """Add every stored document to ``archive`` under ``documents/``; returns their SHA-256s."""
    sums = {}
    for name in _documents():
        digest = hashlib.sha256()
        with tempfile.TemporaryFile() as copy, private_storage.open(name, "rb") as stored:
            while chunk := stored.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
            info = tarfile.TarInfo(f"documents/{name}")
            info.size = copy.tell()
            copy.seek(0)
            archive.addfile(info, copy)
        sums[name] = digest.hexdigest()
    return sums


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = ["-h", str(db.get("HOST") or "localhost"), "-p", str(db.get("PORT") or 5432), "-U", str(db.get("USER"))]
    return env, args


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - PostgreSQL's tools
    if result.returncode:
        raise BackupError(f"{cmd[0]} failed: {result.stderr.strip()[:500]}")


def backup(target: Path) -> Path:
    """Write a new backup folder under ``target`` and return it."""
    folder = Path(target) / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True)
    db = settings.DATABASES["default"]
    with connection.cursor() as cursor:
        counts = _row_counts(cursor)
    if connection.vendor == "postgresql":
        env, args = _pg_env()
        _run(["pg_dump", *args, "-Fc", "-f", str(folder / "database.dump"), db["NAME"]], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.dump") as copy:
            connection.connection.backup(copy)
    else:
        raise BackupError(f"No backup for {connection.vendor}.")
    with tarfile.open(folder / "documents.tar.gz", "w:gz") as archive:
        documents = _archive_documents(archive)
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "engine": connection.vendor,
        "rows": counts,
        "documents": documents,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder


def _extract(folder: Path, into: Path) -> Path:
    with tarfile.open(folder / "documents.tar.gz") as archive:
        archive.extractall(into, filter="data")
    return into / "documents"


def verify(folder: Path) -> list[str]:
    """Restore into scratch places and compare with the manifest; returns the problems found."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        restored = _checksums(_extract(folder, Path(scratch)))
        for name, digest in manifest["documents"].items():
            if restored.get(name) != digest:
                problems.append(f"document {name}: {'missing' if name not in restored else 'content differs'}")
        counts = _restored_counts(folder, manifest["engine"], Path(scratch))
    for table, expected in manifest["rows"].items():
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows restored, {expected} backed up")
    return problems


def _restored_counts(folder: Path, engine: str, scratch: Path) -> dict[str, int]:
    if engine == "sqlite":
        copy = scratch / "restored.sqlite3"
        shutil.copy(folder / "database.dump", copy)
        with sqlite3.connect(copy) as db:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    env, args = _pg_env()
    name = f"{settings.DATABASES['default']['NAME']}_verify"
    _run(["dropdb", *args, "--if-exists", "--force", name], env)
    _run(["createdb", *args, name], env)
    try:
        _run(["pg_restore", *args, "--no-owner", "-d", name, str(folder / "database.dump")], env)
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db.get("HOST") or "localhost", port=db.get("PORT") or 5432, user=db.get("USER"),
            password=db.get("PASSWORD") or None, dbname=name,
        ) as conn:  # fmt: skip
            tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        _run(["dropdb", *args, "--if-exists", "--force", name], env)


def restore(folder: Path) -> None:
    """Replace the database and the stored documents with the backup's (stop web and workers first)."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"This backup is of a {manifest['engine']} database; this site uses {connection.vendor}.")
    if connection.vendor == "postgresql":
        env, args = _pg_env()
        connection.close()
        name = settings.DATABASES["default"]["NAME"]
        _run(
            ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "-d", name, str(folder / "database.dump")],
            env,
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.dump") as source:
            source.backup(connection.connection)
    with tempfile.TemporaryDirectory() as scratch:
        _restore_documents(_extract(folder, Path(scratch)))


def _restore_documents(restored: Path) -> None:
    """Make the stored documents exactly those below ``restored``, under the same names."""
    for name in _documents():
        private_storage.delete(name)
    if not restored.exists():
        return
    for path in sorted(p for p in restored.rglob("*") if p.is_file()):
        name = path.relative_to(restored).as_posix()
        with path.open("rb") as content:
            saved = private_storage.save(name, File(content))
        if saved != name:
            raise BackupError(f"document {name} was stored as {saved}; restore into empty storage.")
