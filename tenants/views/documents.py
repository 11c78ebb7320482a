"""Downloads of private documents, for those allowed to read them."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from common.downloads import private_download

from ..models import ApplicationDocument, ComplianceDocument
from ..permissions import can_download, can_download_compliance


def document_download(request, pk: int):
    """Stream a document to someone allowed to read it; everybody else gets a 404."""
    document = get_object_or_404(ApplicationDocument.objects.select_related("application"), pk=pk)
    if not can_download(request.user, document):
        raise Http404
    return private_download(document)


def compliance_download(request, pk: int):
    """Compliance documents are for campus staff only."""
    document = get_object_or_404(ComplianceDocument, pk=pk)
    if not can_download_compliance(request.user):
        raise Http404
    return private_download(document)
