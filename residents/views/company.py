"""What the campus offers a resident beyond its space: counsel from the advisory committee and
the yearly outcome survey."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from advisory import services as advisory_services
from advisory.forms import ConsultationRequestForm
from advisory.models import Consultation
from common.errors import DomainError
from tenants.forms import OutcomeSurveyForm
from tenants.models import OutcomeSurvey
from tenants.services.outcomes import outcome_survey_answer

from ..access import resident_required


@require_http_methods(["GET", "POST"])
@resident_required
def consultations(request):
    """Ask the committee for counsel; see each request and its sessions' outcomes."""
    company = request.membership.company
    form = ConsultationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            advisory_services.consultation_request(company=company, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your request has been sent to the campus."))
            return redirect("residents:consultations")
    listed = Consultation.objects.filter(company=company).prefetch_related("sessions").order_by("-pk")
    page = Paginator(listed, 20).get_page(request.GET.get("page"))
    status = 400 if request.method == "POST" else 200
    return render(request, "residents/consultations.html", {"page": page, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@resident_required
def outcomes(request):
    """The yearly outcome survey: answer the open one; see the answers given."""
    company = request.membership.company
    open_survey = OutcomeSurvey.objects.filter(company=company, answered_at__isnull=True).order_by("-year").first()
    form = OutcomeSurveyForm(request.POST or None, instance=open_survey) if open_survey else None
    if request.method == "POST":
        survey = OutcomeSurvey.objects.filter(
            pk=request.POST.get("survey") or None, company=company, answered_at=None
        ).first()
        if survey is None:  # answered meanwhile (by a colleague, in another tab), or not this company's
            messages.error(request, _("This survey has been answered already."))
            return redirect("residents:outcomes")
        form = OutcomeSurveyForm(request.POST, instance=survey)
        if form.is_valid():
            outcome_survey_answer(survey=survey, answers=form.cleaned_data)
            messages.success(request, _("Thank you for the figures."))
            return redirect("residents:outcomes")
    answered = OutcomeSurvey.objects.filter(company=company, answered_at__isnull=False).order_by("-year")
    context = {"open_survey": open_survey, "form": form, "answered": answered}
    return render(request, "residents/outcomes.html", context, status=400 if request.method == "POST" else 200)
