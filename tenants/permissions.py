"""Who may read an application's private files, in one place for the pages that serve them."""

from __future__ import annotations

from common.staff import is_staff_session

from . import hooks
from .models import ApplicationDocument


def can_download(user, document: ApplicationDocument) -> bool:
    """Staff who may view application documents, and whoever a plug-in lets in (``hooks.download_permission``)."""
    if not user.is_authenticated:
        return False
    if is_staff_session(user) and user.has_perm("tenants.view_applicationdocument"):
        return True
    return hooks.download_permitted(user, document)


def can_download_compliance(user) -> bool:
    """Compliance documents are for campus staff only."""
    return is_staff_session(user) and user.has_perm("tenants.view_compliancedocument")
