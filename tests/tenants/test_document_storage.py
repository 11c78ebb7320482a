"""Documents in an S3-compatible bucket (S3_BUCKET): private, encrypted, behind the same checks.

Each test runs against a real S3-compatible server on 127.0.0.1 with a fresh bucket (see
tests/object_storage.py), configured exactly as a deployment configures it.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from common.storage import private_storage
from tenants.models import ApplicationDocument
from tests.tenants.factories import PDF, ApplicationDocumentFactory, ComplianceDocumentFactory
from tests.tenants.helpers import company_data

pytestmark = pytest.mark.django_db


def files_below(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_an_applicants_upload_lands_encrypted_in_the_private_bucket_and_nowhere_on_disk(
    client, campus, bucket, private_media
):
    client.post("/apply/", company_data(campus))
    from tenants.models import Application

    Application.objects.update(completed_steps=["company", "contacts", "profile", "needs"])
    response = client.post("/apply/step/documents/", {"pitch_deck": SimpleUploadedFile("deck.pdf", PDF)})

    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    assert bucket.names() == [f"documents/{document.file.name}"]
    assert bucket.read(document.file.name) == PDF
    assert bucket.head(document.file.name)["ServerSideEncryption"] == "AES256"
    assert bucket.public_grants(document.file.name) == []
    assert files_below(private_media) == []


def test_bucket_downloads_keep_their_permission_checks(client, screening_officer, applicant, bucket):
    document = ApplicationDocumentFactory()
    compliance = ComplianceDocumentFactory()
    url, compliance_url = f"/documents/{document.pk}/", f"/compliance/{compliance.pk}/"

    assert client.get(url).status_code == 404
    assert applicant.client.get(url).status_code == 404, "another application's applicant"
    assert applicant.client.get(compliance_url).status_code == 404

    client.force_login(screening_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="deck.pdf"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(client.get(compliance_url).streaming_content) == PDF


def test_a_redirected_download_is_signed_for_at_most_a_minute(client, screening_officer, bucket, settings):
    settings.DOCUMENT_DOWNLOAD_REDIRECT = True
    document = ApplicationDocumentFactory(original_name="Business plan 2019.pdf")
    url = f"/documents/{document.pk}/"

    assert client.get(url).status_code == 404, "a stranger gets no URL at all"

    client.force_login(screening_officer)
    response = client.get(url)

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}" == bucket.endpoint
    assert location.path == f"/{bucket.name}/documents/{document.file.name}"
    assert 0 < int(query["X-Amz-Expires"][0]) <= 60
    assert query["X-Amz-Signature"]
    with urllib.request.urlopen(response["Location"], timeout=10) as stored:  # noqa: S310 - the test's own bucket
        assert stored.read() == PDF
        assert stored.headers["Content-Disposition"] == 'attachment; filename="Business plan 2019.pdf"'
        assert stored.headers["Content-Type"] == "application/pdf"


def test_documents_never_get_an_unsigned_url(bucket):
    document = ApplicationDocumentFactory()

    assert "X-Amz-Signature=" in private_storage.url(document.file.name)


def test_without_a_bucket_documents_stay_in_the_local_folder_without_any_url(private_media):
    document = ApplicationDocumentFactory()

    assert (private_media / document.file.name).read_bytes() == PDF
    with pytest.raises(ValueError, match="no public URL"):
        private_storage.url(document.file.name)


@pytest.mark.django_db(transaction=True)  # the backup reads committed rows
def test_backup_and_restore_cover_the_bucket(bucket, tmp_path):
    document = ApplicationDocumentFactory()
    call_command("backup", "--to", str(tmp_path / "backups"))
    backup = sorted((tmp_path / "backups").iterdir())[-1]

    bucket.client.delete_object(Bucket=bucket.name, Key=f"documents/{document.file.name}")
    stray = private_storage.save("applications/stray.pdf", SimpleUploadedFile("x.pdf", b"%PDF-1.4 stray"))
    call_command("restore", str(backup), "--yes")

    assert bucket.read(document.file.name) == PDF
    assert bucket.head(document.file.name)["ServerSideEncryption"] == "AES256"
    assert f"documents/{stray}" not in bucket.names(), "restore leaves exactly the backup's documents"
    call_command("verify_backup", str(backup))


def test_readiness_names_the_documents_when_the_bucket_is_gone(client, bucket):
    assert client.get("/readyz").status_code == 200
    bucket.client.delete_bucket(Bucket=bucket.name)

    response = client.get("/readyz")

    assert response.status_code == 503 and response.json()["failing"] == ["documents"]
