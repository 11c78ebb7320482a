"""How a private document leaves once a view has checked who may read it."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from .storage import is_object_storage, private_storage


def attachment_response(document) -> HttpResponse:
    """A private document as a download the browser will not render or sniff.

    ``document`` has ``file``, ``original_name`` and ``content_type`` (``tenants.models.applications.
    PrivateDocument``). Streamed through Django by default; with ``DOCUMENT_DOWNLOAD_REDIRECT`` and
    documents in a bucket, a redirect to a URL the bucket honours for at most
    ``DOCUMENT_URL_MAX_AGE_SECONDS``, signed to answer with the same file name and type, after the
    same checks.
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
