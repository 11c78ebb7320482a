"""E-mailed links: opening one in a browser, and asking for a new one."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit import ALL

from common.tokens import hash_token

from .. import links
from ..applicants import applicant_enter
from ..exceptions import InvalidLink
from ..forms import EmailForm
from ..services.applications import links_request
from ._common import too_many

LINK_SESSION_KEY = "applicant_link"


@never_cache
@require_GET
def link_exchange(request, token: str, destination: str):
    """An e-mailed link: remember it in this browser's session and continue on a URL without it.

    As Django's password-reset confirmation does, the token leaves the address bar at once: this
    answer is the only one at a URL holding a token, and the only one sent with
    ``Referrer-Policy: no-referrer``. The pages after it (confirm, or "no longer valid") carry
    forms, which browsers would post with ``Origin: null`` under that policy. The session keeps
    only the token's hash, like the database, and a fresh code the confirmation form must return,
    so a page left open never confirms a link opened later in the same browser.
    """
    response = too_many(request, "link-open", settings.LINK_OPEN_RATE, method=ALL)
    if response is None:
        request.session[LINK_SESSION_KEY] = {
            "token_hash": hash_token(token),
            "destination": destination,
            "code": secrets.token_urlsafe(16),
        }
        response = _SeeOther(reverse("tenants:link_open"))
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def link_open(request):
    """GET asks to confirm the link this browser opened last; POST uses it once and enters the application."""
    pending = request.session.get(LINK_SESSION_KEY)
    if not pending:
        return redirect("tenants:link_request")
    shown = request.method == "POST" and secrets.compare_digest(request.POST.get("link", ""), pending["code"])
    try:
        if shown:
            link = links.access_link_redeem(token_hash=pending["token_hash"])
        else:
            link = links.access_link_find(token_hash=pending["token_hash"])
    except InvalidLink as exc:  # the dead link stays, so the page survives a language switch
        return render(
            request, "tenants/apply/link_invalid.html", {"message": exc.message, "form": EmailForm()}, status=404
        )
    destination = pending["destination"]
    if not shown:
        if request.method == "POST":  # the page was for a link opened before this one
            messages.warning(request, _("Another link was opened in this browser since; here it is."))
        context = {"link": link, "destination": destination, "code": pending["code"]}
        return render(request, "tenants/apply/link_confirm.html", context)
    request.session.pop(LINK_SESSION_KEY, None)
    applicant_enter(request, link.application, link.email)
    target = "tenants:apply" if destination == "resume" and link.application.is_editable else "tenants:apply_status"
    return _SeeOther(reverse(target))


class _SeeOther(HttpResponseRedirect):
    """303: continue with a GET, whatever the method that led here."""

    status_code = 303


@never_cache
@require_http_methods(["GET", "POST"])
def link_request(request):
    """Ask for a new link. The answer is the same whether or not the address is known."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if limited := too_many(request, "link-request", settings.LINK_REQUEST_RATE):
            return limited
        links_request(email=form.cleaned_data["email"])
        return render(request, "tenants/apply/link_sent.html", {"email": form.cleaned_data["email"], "generic": True})
    return render(request, "tenants/apply/link_request.html", {"form": form})
