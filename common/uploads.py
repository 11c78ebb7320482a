"""Checks for uploaded documents: size, type recognised from the content, and a safe name.

Each file is checked to its end: an image must decode completely within a pixel limit, and a Word
document must unpack within size and ratio limits and hold no macros or embedded programs.

Files are stored in ``common.storage.private_storage`` with a name the server chooses; none has a
public URL, so documents only leave through the permission-checked download views.

Pictures shown to others (a company's logo) are not kept as uploaded: ``image_reencoded`` checks
them the same way, then draws a new PNG from their pixels alone.
"""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

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


def _refuse(message: str, code: str, upload, **params) -> ValidationError:
    return ValidationError(message % {"name": clean_filename(upload.name), **params}, code=code)


def _check_image(upload, limit: int | None = None) -> None:
    """Decode the whole image: a header with nothing valid behind it, or a pixel bomb, is refused.

    The pixel count is read from the header and compared with ``UPLOAD_IMAGE_MAX_PIXELS``, or
    ``limit`` when lower, before anything is decoded (Pillow's own bomb guard, a process-wide
    setting, stays as it is behind it).
    """
    limit = min(limit or settings.UPLOAD_IMAGE_MAX_PIXELS, settings.UPLOAD_IMAGE_MAX_PIXELS)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            too_large = image.width * image.height > limit
            if not too_large:
                image.verify()
        if not too_large:
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except Image.DecompressionBombError:
        too_large = True
    except Exception as exc:  # Pillow raises many kinds (OSError, SyntaxError, struct.error) for broken files
        raise _refuse(
            _("%(name)s is damaged or incomplete and cannot be opened as an image."), "bad_image", upload
        ) from exc
    finally:
        upload.seek(0)
    if too_large:
        raise _refuse(
            _("%(name)s has too many pixels; images may have at most %(limit)s million pixels."),
            "image_too_large",
            upload,
            limit=f"{limit / 1_000_000:g}",
        )


# Word documents: a zip of XML parts. Legitimate ones have a few dozen members and compress text
# about ten to one; a zip bomb has absurd sizes or ratios (the ratio counts only for larger parts,
# as small parts of repeated markup compress very well).
DOCX_MAX_MEMBERS = 1000
DOCX_MAX_RATIO = 100
DOCX_RATIO_FROM_BYTES = 1024 * 1024
MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
MACRO_TYPES = ("macroenabled", "vbaproject")
PROGRAM_EXTENSIONS = (".exe", ".dll", ".com", ".scr", ".bat", ".cmd", ".msi", ".js", ".vbs", ".jar", ".docm", ".xlsm")
PROGRAM_TYPES = ("oleobject", "activex", *(f'extension="{ext[1:]}"' for ext in PROGRAM_EXTENSIONS))
# Executables (MZ) and OLE compound files (old Office, embedded "packages") inside a member.
PROGRAM_MAGIC = (b"MZ", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _has_macros(names: list[str], types: str) -> bool:
    return any(name.endswith(MACRO_PARTS) for name in names) or any(marker in types for marker in MACRO_TYPES)


def _has_programs(names: list[str], types: str) -> bool:
    return any(
        name.endswith(PROGRAM_EXTENSIONS)
        or "oleobject" in name
        or "/activex/" in name
        or ("/embeddings/" in name and name.endswith(".bin"))
        for name in names
    ) or any(marker in types for marker in PROGRAM_TYPES)


def _check_docx(upload) -> None:
    """Refuse Word documents that unpack to absurd sizes or carry macros or embedded programs."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            _check_docx_sizes(upload, members)
            names = [member.filename.lower() for member in members]
            types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower().replace("'", '"')
            if _has_macros(names, types):
                raise _refuse(
                    _("%(name)s contains macros; save it as a plain Word document (.docx) or a PDF."),
                    "macros",
                    upload,
                )
            if _has_programs(names, types):
                raise _refuse(_("%(name)s contains an embedded program or object."), "embedded_program", upload)
            for member in members:
                _read_member(archive, member, upload)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, zlib.error):
        # Bad CRCs and sizes, encrypted parts, unknown compression methods, cut-off data.
        raise _refuse(_("%(name)s is damaged and cannot be opened as a Word document."), "bad_docx", upload) from None
    finally:
        upload.seek(0)


def _check_docx_sizes(upload, members: list[zipfile.ZipInfo]) -> None:
    limit = settings.UPLOAD_DOCX_MAX_UNCOMPRESSED_BYTES
    unpacked = sum(member.file_size for member in members)
    absurd_ratio = any(
        member.file_size > DOCX_RATIO_FROM_BYTES and member.file_size > DOCX_MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > DOCX_MAX_MEMBERS or unpacked > limit or absurd_ratio:
        raise _refuse(
            _("%(name)s unpacks to more than a Word document can hold (at most %(limit)s, compressed sensibly)."),
            "zip_bomb",
            upload,
            limit=filesizeformat(limit),
        )


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, upload) -> None:
    """Unpack one part in chunks; zipfile stops at the declared size and checks the CRC, so a part
    whose header understates its size fails here instead of unpacking without end."""
    with archive.open(member) as part:
        head = part.read(8)
        if head.startswith(PROGRAM_MAGIC):
            raise _refuse(_("%(name)s contains an embedded program or object."), "embedded_program", upload)
        while part.read(1024 * 1024):
            pass


def _check_size(upload, limit: int) -> None:
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


def _sniffed_type(upload) -> str | None:
    """The MIME type the first bytes show, whatever the name or the browser claimed."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_upload(upload) -> CheckedUpload:
    """Refuse files that are too large or whose content is not an allowed type; say which rule failed."""
    _check_size(upload, settings.APPLICATION_UPLOAD_MAX_BYTES)
    mime = _sniffed_type(upload)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if mime in {"application/zip", docx}:
        # A .docx is a zip archive; only accept one that really holds a Word document.
        mime = docx if _is_docx(upload) else None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not a PDF, PNG, JPEG or Word (.docx) file.") % {"name": clean_filename(upload.name)},
            code="bad_type",
        )
    if mime in {"image/png", "image/jpeg"}:
        _check_image(upload)
    elif mime == docx:
        _check_docx(upload)
    return CheckedUpload(
        content_type=mime, extension=ALLOWED_TYPES[mime], original_name=clean_filename(upload.name), size=upload.size
    )


PICTURE_TYPES = {"image/png", "image/jpeg", "image/webp"}


def image_reencoded(upload, *, max_bytes: int, max_pixels: int, max_side: int) -> bytes:
    """A new PNG of the uploaded picture, at most ``max_side`` pixels a side, holding its pixels only.

    The upload must be a PNG, JPEG or WebP of at most ``max_bytes`` and ``max_pixels`` that decodes
    to its end. Drawing a new image leaves behind whatever else the file carried: EXIF (places,
    devices), colour profiles, text chunks, data after the image, further frames.
    """
    _check_size(upload, max_bytes)
    if _sniffed_type(upload) not in PICTURE_TYPES:
        raise _refuse(_("%(name)s is not a PNG, JPEG or WebP image."), "bad_type", upload)
    _check_image(upload, limit=max_pixels)
    try:
        with Image.open(upload) as opened:
            opened.load()
            picture = ImageOps.exif_transpose(opened)  # upright, as the camera meant it
        transparent = picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info
        picture = picture.convert("RGBA" if transparent else "RGB")
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
        output = io.BytesIO()
        clean.save(output, "PNG", optimize=True)
    except Exception as exc:  # Pillow raises many kinds for files that decode but cannot be converted
        raise _refuse(
            _("%(name)s is damaged or incomplete and cannot be opened as an image."), "bad_image", upload
        ) from exc
    finally:
        upload.seek(0)
    return output.getvalue()
