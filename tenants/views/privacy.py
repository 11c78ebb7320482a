"""Personal data (PIPL / GDPR): the applicant's copy of its data, and asking for erasure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..applicants import applicant_from
from ..services import privacy


@never_cache
@require_POST
def apply_my_data(request):
    """Download, as JSON, everything held about the application of this status link."""
    applicant = applicant_from(request)
    if applicant is None:
        return redirect("tenants:link_request")
    application = applicant.application
    privacy.export_record(application=application, actor=applicant.requester)
    body = json.dumps(privacy.application_export(application=application), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="icampus-application-{application.reference}.json"'
    return response


@never_cache
@require_POST
def apply_erase(request):
    """Ask for the application's personal data to be erased; campus staff carry it out."""
    applicant = applicant_from(request)
    if applicant is None:
        return redirect("tenants:link_request")
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want your data erased."))
        return redirect("tenants:apply_status")
    privacy.erasure_request(application=applicant.application, actor=applicant.requester)
    messages.success(
        request,
        _(
            "We have your request. Campus staff will erase your data within 15 days; "
            "the links we sent you then stop working."
        ),
    )
    return redirect("tenants:apply_status")
