"""How a permitted download of a private document leaves: the one response every download view returns."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from .storage import is_object_storage, private_storage


def private_download(document) -> HttpResponse:
    """A private document (``file``, ``original_name``, ``content_type``) as a download nothing renders or sniffs.

    Streamed through Django by default; with ``DOCUMENT_DOWNLOAD_REDIRECT`` and documents in a
    bucket, a redirect to a URL the bucket honours for at most ``DOCUMENT_URL_MAX_AGE_SECONDS``,
    signed to answer with the same file name and type. The caller has checked who may download.
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
