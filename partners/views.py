"""Public pages of the partners app, and the applicant's answer about a referral."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tenants.applicants import applicant_from

from .choices import Attribution, PartnerStatus
from .models import Partner, Referral
from .services import referral_attribution_answer


def partner_list(request):
    # By the English name in both languages: ordering by the Chinese one would put those without one apart.
    partners = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by("name_en", "pk")
    return render(request, "partners/list.html", {"partners": partners})


def attribution_panel(request, application) -> str:
    """The status page asks the applicant about each partner that says it referred them and waits."""
    referrals = list(
        Referral.objects.filter(application=application, attribution=Attribution.PENDING)
        .select_related("partner")
        .order_by("pk")
    )
    if not referrals:
        return ""
    return render_to_string("partners/attribution_question.html", {"referrals": referrals}, request=request)


class AttributionForm(forms.Form):
    referred = forms.ChoiceField(choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))])


@never_cache
@require_POST
def referral_attribution(request, pk: int):
    """Only the browser following this referral's application answers; anyone else gets a 404."""
    applicant = applicant_from(request)
    if applicant is None:
        raise Http404
    referral = get_object_or_404(Referral, pk=pk, application=applicant.application)
    form = AttributionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes or no."))
        return redirect("tenants:apply_status")
    referred = form.cleaned_data["referred"] == "yes"
    referral = referral_attribution_answer(referral=referral, referred=referred, actor=applicant.requester)
    if referral.attribution == Attribution.CONFIRMED:
        messages.success(
            request, _("Thank you: %(partner)s will follow your application.") % {"partner": referral.partner}
        )
    else:
        messages.success(
            request, _("Thank you: %(partner)s will not see your application.") % {"partner": referral.partner}
        )
    return redirect("tenants:apply_status")
