"""Downloads of private documents, for those allowed to read them."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from common.storage import is_object_storage, private_storage

from ..models import ApplicationDocument, ComplianceDocument
from ..permissions import can_download, can_download_compliance


def document_download(request, pk: int):
    """Stream a document to someone allowed to read it; everybody else gets a 404."""
    document = get_object_or_404(ApplicationDocument.objects.select_related("application"), pk=pk)
    if not can_download(request.user, document):
        raise Http404
    return _attachment(document)


def compliance_download(request, pk: int):
    """Compliance documents are for campus staff only."""
    document = get_object_or_404(ComplianceDocument, pk=pk)
    if not can_download_compliance(request.user):
        raise Http404
    return _attachment(document)


def _attachment(document) -> HttpResponse:
    """A private document as a download the browser will not render or sniff.

    Streamed through Django by default; with ``DOCUMENT_DOWNLOAD_REDIRECT`` and documents in a
    bucket, a redirect to a URL the bucket honours for at most ``DOCUMENT_URL_MAX_AGE_SECONDS``,
    signed to answer with the same file name and type, after the same checks.
    """
    if settings.DOCUMENT_DOWNLOAD_REDIRECT and is_object_storage():
        url = private_storage.url(
            document.file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, document.original_name),
                "ResponseContentType": document.content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.DOCUMENT_URL_MAX_AGE_SECONDS,
        )
        response = HttpResponseRedirect(url)
        response["Referrer-Policy"] = "no-referrer"
    else:
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
