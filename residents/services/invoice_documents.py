"""An invoice's PDF: rendered on first download, kept in private storage, the same file ever after.

An issued invoice never changes, so neither does its document: the first request renders it and
stores it under ``invoices/<campus>/<year>/<number>.pdf`` (the storage never overwrites a file; it
picks another name), and the name is written on the row only while the row has none. Two requests
rendering at once both store a file; the one whose write finds a name there already deletes its own
and serves the stored one, so one file per invoice is kept. Rendering and storing (possibly an
upload to a bucket) happen without holding a row lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile

from common.storage import private_storage

from ..models import Invoice

logger = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"
# An unbound field lends its file handling (open, name, storage) to a name stored in a CharField.
_PRIVATE_FILE = models.FileField(storage=private_storage)


@dataclass(frozen=True)
class InvoiceDocument:
    """What ``common.downloads.private_download`` serves: the stored file, its download name and type."""

    file: FieldFile
    original_name: str
    content_type: str = PDF_TYPE


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """The invoice rendered as a PDF, in both languages."""
    from ..invoice_pdf import invoice_pdf_render  # the renderer and its fonts load on first use only

    return invoice_pdf_render(invoice)


def invoice_pdf_path(invoice: Invoice) -> str:
    return f"invoices/{invoice.campus.slug}/{invoice.year}/{invoice.display_number}.pdf"


def invoice_pdf_file(invoice: Invoice) -> str:
    """The private storage name of the invoice's PDF, rendered and stored the first time it is asked for."""
    if invoice.pdf:
        return invoice.pdf
    stored = Invoice.objects.filter(pk=invoice.pk).values_list("pdf", flat=True).get()
    if not stored:
        name = private_storage.save(invoice_pdf_path(invoice), ContentFile(invoice_pdf_bytes(invoice)))
        if Invoice.objects.filter(pk=invoice.pk, pdf="").update(pdf=name):
            logger.info("Stored the PDF of invoice %s as %s", invoice.pk, name)
            stored = name
        else:  # another request stored its file first: keep that one
            private_storage.delete(name)
            stored = Invoice.objects.filter(pk=invoice.pk).values_list("pdf", flat=True).get()
    invoice.pdf = stored
    return stored


def invoice_document(invoice: Invoice) -> InvoiceDocument:
    """The invoice's PDF as a download named after the invoice's number."""
    name = invoice_pdf_file(invoice)
    return InvoiceDocument(file=FieldFile(None, _PRIVATE_FILE, name), original_name=f"{invoice.display_number}.pdf")
