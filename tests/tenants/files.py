"""Files for upload tests: sound and broken images, Word documents with and without traps."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

WORD_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>'
)
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx(*parts: tuple[str, bytes], main: str = MAIN, extra_types: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", WORD_TYPES.format(main=main, extra=extra_types))
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>Pitch</w:p></w:body></w:document>")
        for name, content in parts:
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb_docx(megabytes: int = 300) -> bytes:
    """A Word document with one part of ``megabytes`` of zeros, written in chunks (a few hundred KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", WORD_TYPES.format(main=MAIN, extra=""))
        archive.writestr("word/document.xml", "<w:document/>")
        chunk = bytes(1024 * 1024)
        with archive.open("word/media/padding.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return buffer.getvalue()


def image_bytes(kind: str, size=(64, 48)) -> bytes:
    image = Image.effect_noise(size, 64).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb_png() -> bytes:
    """A valid PNG header announcing 100,000 × 100,000 pixels: 10 billion pixels from a few bytes."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))


FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 34
assert len(FAKE_JPEG) == 54


def _patched_docx(document: bytes, local_offset: int, central_offset: int, fmt: str, value: int) -> bytes:
    """A Word document whose word/document.xml headers (local and central) say ``value`` at the offsets."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", WORD_TYPES.format(main=MAIN, extra=""))
        archive.writestr("word/document.xml", document)
    data = bytearray(buffer.getvalue())
    name = b"word/document.xml"
    for signature, name_at, offset in [(b"PK\x03\x04", 30, local_offset), (b"PK\x01\x02", 46, central_offset)]:
        start = data.find(signature)
        while not data.startswith(name, start + name_at):
            start = data.find(signature, start + 1)
        struct.pack_into(fmt, data, start + offset, value)
    return bytes(data)


def understated_docx(megabytes: int = 20, claimed: int = 1000) -> bytes:
    """A zip bomb whose headers claim a small part (uncompressed size: offset 22 local, 24 central)."""
    return _patched_docx(bytes(megabytes * 1024 * 1024), 22, 24, "<I", claimed)


def encrypted_docx() -> bytes:
    """A Word document whose main part is marked as encrypted (flag bit 0: offset 6 local, 8 central)."""
    return _patched_docx(b"<w:document/>", 6, 8, "<H", 0x1)
