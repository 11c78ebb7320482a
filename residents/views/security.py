"""A person's own account: two-factor sign-in, their personal data, closing the account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from common.errors import DomainError
from common.otp import second_factor_page

from ..access import membership_of, resident_required
from ..services.members import person_erase, person_export


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("residents:home")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("residents:home")


@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up an authenticator app, or enter its code after the password (residents only)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('residents:login')}?next={request.path}")
    if membership_of(request.user) is None:
        raise Http404
    return second_factor_page(request, template="residents/account/two_factor.html", next_url=_next_url(request))


@resident_required
def account(request):
    context = {"membership": request.membership, "has_device": user_has_device(request.user, confirmed=True)}
    return render(request, "residents/account/account.html", context)


@require_POST
@resident_required
def account_export(request):
    """Everything the portal keeps about the signed-in person, as a JSON download."""
    data = person_export(membership=request.membership)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@resident_required
def account_close(request):
    """Close the person's account and erase their personal data (the company's records stay)."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want to close your account."))
        return redirect("residents:account")
    try:
        person_erase(membership=request.membership, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("residents:account")
    logout(request)
    messages.success(request, _("Your account is closed and your personal data erased."))
    return redirect("home")
