"""Uploads are checked to their end: images must decode, Word documents must unpack sanely and safely."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.models import Application, ApplicationDocument
from tests.tenants.files import (
    FAKE_JPEG,
    MACRO_MAIN,
    docx,
    encrypted_docx,
    image_bytes,
    pixel_bomb_png,
    understated_docx,
    zip_bomb_docx,
)
from tests.tenants.helpers import company_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents_step(client, campus):
    client.post("/apply/", company_data(campus))
    Application.objects.update(completed_steps=["company", "contacts", "profile", "needs"])

    def upload(name: str, content: bytes):
        return client.post("/apply/step/documents/", {"pitch_deck": SimpleUploadedFile(name, content)})

    return upload


def error_next_to(response, field: str) -> str:
    """The error list Django renders with the field (and links to it with aria-describedby)."""
    html = response.content.decode()
    assert f'aria-describedby="id_{field}_error"' in html
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert found, "no error next to the field"
    return found.group(1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", FAKE_JPEG, "is damaged or incomplete and cannot be opened as an image"),
        ("scan.png", image_bytes("PNG")[:-200], "is damaged or incomplete and cannot be opened as an image"),
        ("bomb.png", pixel_bomb_png(), "has too many pixels; images may have at most 50 million pixels"),
        ("plan.docx", zip_bomb_docx(), "unpacks to more than a Word document can hold (at most 100.0"),
        ("plan.docx", docx(("word/vbaProject.bin", b"\x00" * 64)), "contains macros"),
        ("plan.docx", docx(main=MACRO_MAIN), "contains macros"),
        ("plan.docx", docx(("word/embeddings/setup.exe", b"MZ\x90\x00" + b"\x00" * 60)), "embedded program"),
        ("plan.docx", docx(("word/embeddings/oleObject1.bin", b"\x00" * 64)), "embedded program"),
        ("plan.docx", docx(("word/media/image1.png", b"MZ\x90\x00" + b"\x00" * 60)), "embedded program"),
        (
            "plan.docx",
            docx(("word/media/sheet.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 60)),
            "embedded program",
        ),
    ],
    ids=[
        "jpeg-magic-only",
        "truncated-png",
        "pixel-bomb",
        "zip-bomb",
        "vba-project",
        "macro-enabled-type",
        "embedded-exe",
        "ole-object",
        "executable-disguised-as-image",
        "ole-compound-file",
    ],
)
def test_uploads_that_do_not_hold_up_to_the_end_are_refused_next_to_the_field(
    documents_step, private_media, name, content, message
):
    response = documents_step(name, content)

    assert response.status_code == 200
    assert message in error_next_to(response, "pitch_deck")
    assert not ApplicationDocument.objects.exists()
    assert not private_media.exists() or not any(p.is_file() for p in private_media.rglob("*"))


def test_a_zip_bomb_is_refused_at_a_lower_configured_limit(documents_step, settings):
    settings.UPLOAD_DOCX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024

    response = documents_step("plan.docx", zip_bomb_docx(megabytes=2))

    assert "unpacks to more than a Word document can hold (at most 1.0" in error_next_to(response, "pitch_deck")
    assert not ApplicationDocument.objects.exists()


def test_a_document_that_compresses_absurdly_well_is_refused(documents_step, settings):
    # 50 MB of zeros fits under the size limit, but no Word part compresses a thousand to one.
    response = documents_step("plan.docx", zip_bomb_docx(megabytes=50))

    assert "unpacks to more than a Word document can hold" in error_next_to(response, "pitch_deck")


@pytest.mark.parametrize("content", [understated_docx(), encrypted_docx()], ids=["understated-size", "encrypted"])
def test_a_word_document_that_cannot_be_unpacked_honestly_is_refused(documents_step, content):
    response = documents_step("plan.docx", content)

    assert "is damaged and cannot be opened as a Word document" in error_next_to(response, "pitch_deck")
    assert not ApplicationDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("photo.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("scan.png", image_bytes("PNG"), "image/png"),
        (
            "plan.docx",
            docx(
                ("word/media/image1.png", image_bytes("PNG")),
                ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", b"PK\x03\x04" + b"\x00" * 60),
            ),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_sound_images_and_word_documents_are_still_accepted(documents_step, name, content, kind):
    response = documents_step(name, content)

    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    assert document.content_type == kind and document.size == len(content)


def test_an_image_over_a_lower_configured_pixel_limit_is_refused(documents_step, settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 100  # the sample image has more

    response = documents_step("scan.png", image_bytes("PNG"))

    assert "has too many pixels; images may have at most 0.0001 million pixels" in error_next_to(response, "pitch_deck")
    assert not ApplicationDocument.objects.exists()
