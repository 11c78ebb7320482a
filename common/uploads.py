"""Checks for uploaded documents: size, type recognised from the content, and a safe name.

Files are stored under ``PRIVATE_MEDIA_ROOT`` with a name the server chooses; no URL maps to
that folder, so documents only leave through the permission-checked download view.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Sniffed MIME type -> extension we store it under.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    original_name: str
    size: int


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (read at each use); they have no public URL."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def clean_filename(name: str) -> str:
    """The base name only, without control or direction characters, at most 120 characters."""
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".") or "document"
    stem, ext = os.path.splitext(name)
    return stem[: 120 - len(ext[:10])] + ext[:10]


def _is_docx(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)


def check_upload(upload) -> CheckedUpload:
    """Refuse files that are too large or whose content is not an allowed type; say which rule failed."""
    limit = settings.APPLICATION_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; files may be at most %(limit)s.")
            % {
                "name": clean_filename(upload.name),
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if mime in {"application/zip", docx}:
        # A .docx is a zip archive; only accept one that really holds a Word document.
        mime = docx if _is_docx(upload) else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not a PDF, PNG, JPEG or Word (.docx) file.") % {"name": clean_filename(upload.name)},
            code="bad_type",
        )
    return CheckedUpload(
        content_type=mime, extension=ALLOWED_TYPES[mime], original_name=clean_filename(upload.name), size=upload.size
    )
