"""Sending an issued invoice or credit note: its PDF is made once and e-mailed once to the
company's finance people (its admins when it has none), each in their language.

``invoice_deliver`` runs as a job after the invoice commits; the claim on ``emailed_at`` and the
e-mails are written in one transaction, so a job run twice e-mails once. ``invoices_undelivered``
finds those whose job never ran (the broker was down) for the daily job to publish again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tenants.notifications import notify

from ..choices import MemberRole
from ..models import Invoice
from .invoice_documents import invoice_pdf_file
from .members import people_of

#: An invoice still unsent this long after it was issued has lost its job.
LOST_AFTER = dt.timedelta(minutes=30)


def invoice_deliver(invoice_id: int) -> int:
    """Make the PDF and e-mail it; returns how many e-mails were written (0 when sent before)."""
    invoice = Invoice.objects.select_related("campus", "company", "credits__campus").get(pk=invoice_id)
    if invoice.emailed_at is not None:
        return 0
    document = invoice_pdf_file(invoice)
    people = people_of(invoice.company, roles=(MemberRole.FINANCE,)) or people_of(
        invoice.company, roles=(MemberRole.ADMIN,)
    )
    with transaction.atomic():
        if not Invoice.objects.filter(pk=invoice.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            return 0  # another run sent it
        for membership in people:
            notify(
                kind="invoice:issued",
                recipient=membership.user.email,
                template="residents/email/invoice_issued",
                context={"invoice": invoice, "link": reverse("residents:invoice", args=[invoice.pk])},
                company=invoice.company,
                language=membership.language,
                attachment=document,
            )
    return len(people)


def invoices_undelivered():
    """Invoices issued a while ago and never e-mailed: their job was lost."""
    return Invoice.objects.filter(emailed_at__isnull=True, created_at__lt=timezone.now() - LOST_AFTER)
