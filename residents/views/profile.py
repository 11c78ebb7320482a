"""The company's public profile: everyone on the team sees it, company admins change it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.errors import DomainError
from tenants.logos import logo_response
from tenants.selectors import directory_companies

from ..access import resident_required
from ..forms.profile import ProfileForm
from ..services.profile import profile_update


@never_cache
@require_http_methods(["GET", "POST"])
@resident_required
def profile(request):
    company = request.membership.company
    if request.method == "POST" and not request.membership.is_admin:
        raise PermissionDenied
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=company,
        logo_max_bytes=settings.LOGO_UPLOAD_MAX_BYTES,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = profile_update(
                company=company,
                description_en=data["description_en"],
                description_zh_hans=data["description_zh_hans"],
                website=data["website"],
                listed=data["listed"],
                focus_areas=data["focus_areas"],
                logo=data["logo"],
                logo_remove=data.get("logo_remove", False),
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Profile saved.") if changed else _("Nothing was changed."))
            return redirect("residents:profile")
    context = {
        "form": form,
        "company": company,
        "membership": request.membership,
        "public": directory_companies().filter(pk=company.pk).exists(),
    }
    return render(request, "residents/profile.html", context, status=400 if form.errors else 200)


@require_safe
@resident_required
def profile_logo(request):
    """The company's own logo, listed or not, for its people."""
    return logo_response(request.membership.company, public=False)
