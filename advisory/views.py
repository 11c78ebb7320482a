"""The reviewer area (/advisory/) and the staff review summary."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import DomainError
from common.signin import LimitedLoginView, SiteUrlPasswordResetView
from common.staff import staff_required
from tenants.applicants import applicant_from
from tenants.models import Application, ApplicationDocument

from . import services
from .access import member_required
from .choices import Origin, Sector
from .forms import AssignForm, ConsultationRequestForm, DeclarationForm, ScoreForm, SessionForm
from .models import AdvisoryMember, Consultation, Meeting, Review
from .signals import dashboard_panels_for


class LoginView(LimitedLoginView):
    """Sign-in for committee members; attempts are limited per address and per user name."""

    template_name = "advisory/login.html"
    rate_group = "advisory-login"
    rate_setting = "ADVISORY_LOGIN_RATE"

    def get_default_redirect_url(self):
        return str(reverse_lazy("advisory:dashboard"))


class PasswordResetView(SiteUrlPasswordResetView):
    template_name = "advisory/password_reset.html"
    success_url = reverse_lazy("advisory:password_reset_done")
    email_templates = "advisory/"


@member_required
def dashboard(request):
    reviews = (
        Review.objects.filter(member=request.member)
        .select_related("application__company", "application__campus__advisory_committee")
        .order_by("submitted_at", "-assigned_at")
    )
    pending = [r for r in reviews if not r.is_submitted and r.has_conflict is not True]
    done = [r for r in reviews if r.is_submitted or r.has_conflict]
    meetings = Meeting.objects.filter(invitees=request.member, starts_at__gte=timezone.now()).order_by("starts_at")
    consultations = Consultation.objects.filter(member=request.member).select_related("company").order_by("status")
    return render(
        request,
        "advisory/dashboard.html",
        {
            "pending": pending,
            "done": done,
            "member": request.member,
            "meetings": meetings,
            "consultations": consultations,
            "panels": dashboard_panels_for(request, request.member),
        },
    )


@member_required
def meeting_calendar(request, pk: int):
    """The meeting as an .ics file, for members invited to it."""
    meeting = get_object_or_404(Meeting, pk=pk, invitees=request.member)
    response = HttpResponse(services.meeting_ics(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@member_required
def consultation_detail(request, pk: int):
    consultation = get_object_or_404(
        Consultation.objects.select_related("company", "member").prefetch_related("sessions"),
        pk=pk,
        member=request.member,
    )
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_log_session(consultation=consultation, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", str(exc)))
        else:
            messages.success(request, _("Session logged."))
            return redirect("advisory:consultation", pk=pk)
    return render(request, "advisory/consultation.html", {"consultation": consultation, "form": form})


def _applicant_company(request):
    applicant = applicant_from(request)
    return (applicant.application.company, applicant.email) if applicant else (None, "")


def company_consultations(request):
    """A company (signed in through its status link) asks for counsel and sees its sessions' outcomes."""
    company, email = _applicant_company(request)
    if company is None:
        return redirect("tenants:link_request")
    form = ConsultationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_request(company=company, actor=email, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request has been sent to the campus."))
            return redirect("advisory:company_consultations")
    consultations = Consultation.objects.filter(company=company).prefetch_related("sessions")
    return render(
        request,
        "advisory/company_consultations.html",
        {"company": company, "consultations": consultations, "form": form},
    )


def _review_for(request, pk: int) -> Review:
    return get_object_or_404(
        Review.objects.select_related(
            "application__company", "application__campus__advisory_committee"
        ).prefetch_related(Prefetch("application__documents", queryset=ApplicationDocument.objects.order_by("kind"))),
        pk=pk,
        member=request.member,
    )


@member_required
def review_detail(request, pk: int):
    review = _review_for(request, pk)
    blind = review.application.campus.advisory_committee.blind_reviews
    declaration = DeclarationForm()
    form = ScoreForm(instance=review)
    if request.method == "POST":
        try:
            if "declare" in request.POST:
                declaration = DeclarationForm(request.POST)
                if declaration.is_valid():
                    services.review_declare(
                        review=review,
                        actor=request.user,
                        has_conflict=declaration.cleaned_data["has_conflict"],
                        note=declaration.cleaned_data["note"],
                    )
                    return redirect("advisory:review", pk=pk)
            else:
                form = ScoreForm(request.POST, instance=review)
                if form.is_valid():
                    submit = "submit" in request.POST
                    services.review_save(review=review, actor=request.user, data=form.cleaned_data, submit=submit)
                    messages.success(request, _("Review submitted. Thank you.") if submit else _("Draft saved."))
                    if submit:
                        return redirect("advisory:dashboard")
                    return redirect("advisory:review", pk=pk)
        except DomainError as exc:
            target = declaration if "declare" in request.POST else form
            target.add_error(exc.field if exc.field in target.fields else None, exc.message)
    return render(
        request,
        "advisory/review.html",
        {"review": review, "application": review.application, "blind": blind, "declaration": declaration, "form": form},
    )


# --- Staff ---------------------------------------------------------------------------------------


@staff_required
@permission_required("advisory.view_review", raise_exception=True)
def staff_reviews(request, application_id: int):
    """Reviews of one application: scores, their mean and spread, calibrated scores, conflicts; assigning."""
    application = get_object_or_404(Application.objects.select_related("company", "campus"), pk=application_id)
    form = AssignForm(request.POST or None, application=application)
    if request.method == "POST":
        if not request.user.has_perm("advisory.add_review"):
            raise PermissionDenied
        try:
            if "auto" in request.POST:
                assigned = services.reviews_auto_assign(application=application, actor=request.user)
                messages.success(request, _("%(count)s reviewer(s) assigned.") % {"count": len(assigned)})
                return redirect("advisory:staff_reviews", application_id=application.pk)
            if form.is_valid():
                member = form.cleaned_data["member"]
                services.review_assign(application=application, member=member, actor=request.user)
                if services.likely_conflict(member, application):
                    messages.warning(request, _("%(member)s may have a conflict of interest.") % {"member": member})
                return redirect("advisory:staff_reviews", application_id=application.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    summary = services.review_summary(application)
    members = form.fields["member"].queryset
    names = services.conflict_names(application)
    flagged = {m.pk for m in members if services.likely_conflict(m, application, names)}
    return render(
        request,
        "advisory/staff_reviews.html",
        {"application": application, "summary": summary, "form": form, "flagged": flagged, "members": members},
    )


@staff_required
@require_POST
@permission_required("advisory.change_review", raise_exception=True)
def staff_share_comment(request, pk: int):
    review = get_object_or_404(Review, pk=pk)
    review.share_comment = request.POST.get("share") == "1"
    review.save(update_fields=["share_comment", "updated_at"])
    return redirect("advisory:staff_reviews", application_id=review.application_id)


def committee(request):
    """The public page: members who agreed to be listed, by sector, with the domestic/overseas mix."""
    members = list(
        AdvisoryMember.objects.serving().filter(is_listed=True).select_related("committee__campus").order_by("name")
    )
    groups = [(label, [m for m in members if m.sector == value]) for value, label in Sector.choices]
    mix = {label: sum(1 for m in members if m.origin == value) for value, label in Origin.choices}
    return render(
        request, "advisory/committee.html", {"groups": [g for g in groups if g[1]], "mix": mix, "members": members}
    )
