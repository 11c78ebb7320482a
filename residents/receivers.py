"""What residents does when tenants announces something (connected in ``apps.py``)."""

from __future__ import annotations

from django.db import transaction

from tenants.choices import ApplicationStatus
from tenants.models import Application

from .services.members import contacts_invite


def invite_approved_contacts(sender=None, *, application_id: int, to_status: str, **kwargs) -> None:
    """An approved application's contacts are invited to create accounts (at least once: idempotent)."""
    if to_status != ApplicationStatus.APPROVED:
        return
    application = Application.objects.select_related("company").filter(pk=application_id).first()
    if application is not None:
        with transaction.atomic():
            contacts_invite(application=application)
