"""The company's yearly outcome survey, answered from its status page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..forms import OutcomeSurveyForm
from ..models import OutcomeSurvey
from ..services import outcomes
from ._common import session_application
from .applications import apply_status


@never_cache
@require_POST
def outcome_survey_answer(request, pk: int):
    """The company answers its yearly outcome survey from its status page."""
    application = session_application(request)
    if application is None:
        raise Http404
    survey = get_object_or_404(OutcomeSurvey, pk=pk, company=application.company, answered_at__isnull=True)
    form = OutcomeSurveyForm(request.POST, instance=survey)
    if not form.is_valid():
        return apply_status(request, survey_form=form, status=400)
    outcomes.outcome_survey_answer(survey=survey, answers=form.cleaned_data)
    messages.success(request, _("Thank you for the figures."))
    return redirect("tenants:apply_status")
