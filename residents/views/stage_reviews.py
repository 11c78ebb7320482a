"""Reviewing milestones and moving companies on: the staff pages (/staff/stages/) and the reports an
advisory member was named to (/advisory/milestones/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advisory.access import member_required
from campus.models import Campus
from common.errors import DomainError
from common.staff import staff_required
from tenants.models import Company

from ..choices import ReportState
from ..forms.stages import ReviewerForm, ReviewForm, StageMoveForm
from ..models import MilestoneReport, StageMilestone, StageTransition
from ..services.stages import (
    STAGE_ORDER,
    campus_stages,
    milestone_accept,
    milestone_reviewer_name,
    milestone_send_back,
    milestones_missing,
    milestones_of_stage,
    stage_after,
    stage_move,
)

VIEW_REPORTS = "residents.view_milestonereport"
CHANGE_REPORTS = "residents.change_milestonereport"
MOVE_STAGE = "residents.add_stagetransition"


def _report_rows():
    return MilestoneReport.objects.select_related("company", "milestone", "reviewer", "evidence", "reported_by")


def _refusal_on(form, error: DomainError) -> None:
    """Show the service's refusal next to its field, or above the form when the form has no such field."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _review(request, report: MilestoneReport, form: ReviewForm) -> bool:
    """Apply the decision of a valid ``form``; a refusal lands on the form. True when done."""
    if not form.is_valid():
        return False
    try:
        if form.cleaned_data["decision"] == ReviewForm.ACCEPT:
            milestone_accept(report=report, actor=request.user, comment=form.cleaned_data["reason"])
            messages.success(request, _("Accepted: the company is told."))
        else:
            milestone_send_back(report=report, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Sent back: the company is told why and can report again."))
    except DomainError as error:
        _refusal_on(form, error)
        return False
    return True


# --- Staff ------------------------------------------------------------------------------------


def _campus(request) -> Campus | None:
    campuses = Campus.objects.order_by("name")
    slug = request.GET.get("campus")
    return (campuses.filter(slug=slug).first() if slug else None) or campuses.first()


@staff_required
@permission_required(VIEW_REPORTS, raise_exception=True)
def staff_stages(request):
    """The campus's residents by platform stage, with their reports waiting and whether they may move on."""
    campus = _campus(request)
    if campus is None:
        return render(request, "residents/staff/stages.html", {"campus": None})
    stages = campus_stages(campus)
    stage_rank = Case(
        *(When(platform_stage=code, then=Value(rank)) for rank, code in enumerate(STAGE_ORDER)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    residents = (
        Company.objects.residents()
        .filter(campus=campus)
        .annotate(
            rank=stage_rank,
            waiting=Count("milestone_reports", filter=Q(milestone_reports__state=ReportState.SUBMITTED)),
            accepted_required=Count(
                "milestone_reports",
                filter=Q(
                    milestone_reports__state=ReportState.ACCEPTED,
                    milestone_reports__milestone__required=True,
                    milestone_reports__milestone__stage=F("platform_stage"),
                ),
            ),
        )
        .order_by("rank", "name")
    )
    required = dict(
        StageMilestone.objects.filter(campus=campus, required=True)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    page = Paginator(residents, 50).get_page(request.GET.get("page"))
    for company in page.object_list:
        company.required_total = required.get(company.platform_stage, 0)
        company.gate_open = company.accepted_required >= company.required_total
        company.next_stage = stage_after(stages, company.platform_stage)
    context = {
        "campus": campus,
        "campuses": Campus.objects.order_by("name"),
        "stages": stages,
        "page": page,
        "waiting_count": MilestoneReport.objects.waiting().filter(company__campus=campus).count(),
    }
    return render(request, "residents/staff/stages.html", context)


def _company_stage_page(request, company: Company, move_form: StageMoveForm | None = None):
    following = stage_after(campus_stages(company.campus), company.platform_stage)
    context = {
        "company": company,
        "milestones": milestones_of_stage(company),
        "missing": milestones_missing(company),
        "next_stage": following,
        "transitions": StageTransition.objects.filter(company=company).select_related("actor"),
        "move_form": move_form or StageMoveForm(initial={"to_stage": following}),
        "can_move": request.user.has_perm(MOVE_STAGE) and following is not None,
    }
    return render(request, "residents/staff/company_stage.html", context, status=400 if move_form else 200)


def _resident(pk: int) -> Company:
    return get_object_or_404(Company.objects.residents().select_related("campus"), pk=pk)


@staff_required
@permission_required(VIEW_REPORTS, raise_exception=True)
def staff_company_stage(request, pk: int):
    """One resident's stage: the milestones, their reports, its moves, and the form to move it on."""
    return _company_stage_page(request, _resident(pk))


@staff_required
@require_POST
@permission_required(MOVE_STAGE, raise_exception=True)
def staff_stage_move(request, pk: int):
    company = _resident(pk)
    form = StageMoveForm(request.POST)
    if form.is_valid():
        try:
            transition = stage_move(company=company, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _refusal_on(form, error)
        else:
            messages.success(
                request,
                _("%(company)s moved to %(stage)s.")
                % {"company": company.name, "stage": transition.get_to_stage_display()},
            )
            return redirect("residents:staff_company_stage", pk=company.pk)
    return _company_stage_page(request, company, move_form=form)


@staff_required
@permission_required(VIEW_REPORTS, raise_exception=True)
def staff_reports(request):
    """The reports of a campus, those waiting for review first (or only one state)."""
    campus = _campus(request)
    state = request.GET.get("state", ReportState.SUBMITTED)
    reports = _report_rows().filter(company__campus=campus)
    if state in ReportState.values:
        reports = reports.filter(state=state)
    reports = reports.order_by("reported_at", "pk") if state == ReportState.SUBMITTED else reports
    context = {
        "campus": campus,
        "campuses": Campus.objects.order_by("name"),
        "state": state,
        "states": ReportState.choices,
        "page": Paginator(reports, 50).get_page(request.GET.get("page")),
    }
    return render(request, "residents/staff/reports.html", context)


def _report_page(request, report: MilestoneReport, *, review_form=None, reviewer_form=None):
    context = {
        "report": report,
        "review_form": review_form or ReviewForm(prefix="review"),
        "reviewer_form": reviewer_form
        or ReviewerForm(campus=report.company.campus, initial={"reviewer": report.reviewer}, prefix="reviewer"),
        "can_change": request.user.has_perm(CHANGE_REPORTS),
        "earlier": _report_rows()
        .filter(company=report.company, milestone=report.milestone)
        .exclude(pk=report.pk)
        .order_by("-reported_at", "-pk"),
    }
    status = 400 if review_form or reviewer_form else 200
    return render(request, "residents/staff/report.html", context, status=status)


def _staff_report(pk: int) -> MilestoneReport:
    return get_object_or_404(_report_rows().select_related("company__campus"), pk=pk)


@staff_required
@permission_required(VIEW_REPORTS, raise_exception=True)
def staff_report(request, pk: int):
    """One report: the note and evidence, who reviews it, and the decision (for staff who may change reports)."""
    return _report_page(request, _staff_report(pk))


@staff_required
@require_POST
@permission_required(CHANGE_REPORTS, raise_exception=True)
def staff_report_review(request, pk: int):
    report = _staff_report(pk)
    form = ReviewForm(request.POST, prefix="review")
    if _review(request, report, form):
        return redirect("residents:staff_report", pk=report.pk)
    return _report_page(request, report, review_form=form)


@staff_required
@require_POST
@permission_required(CHANGE_REPORTS, raise_exception=True)
def staff_report_reviewer(request, pk: int):
    """Name the advisory member who reviews the report, or give it back to staff."""
    report = _staff_report(pk)
    form = ReviewerForm(request.POST, campus=report.company.campus, prefix="reviewer")
    if _name_reviewer(request, report, form):
        return redirect("residents:staff_report", pk=report.pk)
    return _report_page(request, report, reviewer_form=form)


def _name_reviewer(request, report: MilestoneReport, form: ReviewerForm) -> bool:
    if not form.is_valid():
        return False
    try:
        milestone_reviewer_name(report=report, member=form.cleaned_data["reviewer"], actor=request.user)
    except DomainError as error:
        _refusal_on(form, error)
        return False
    messages.success(request, _("Reviewer saved."))
    return True


# --- Advisory members ----------------------------------------------------------------------------


@member_required
def advisory_milestones(request):
    """The reports staff named this member to review, those waiting first."""
    reports = (
        _report_rows()
        .filter(reviewer=request.member)
        .annotate(done=Case(When(state=ReportState.SUBMITTED, then=Value(0)), default=Value(1)))
        .order_by("done", "-reported_at", "-pk")
    )
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(request, "residents/advisory/milestones.html", {"page": page, "member": request.member})


@member_required
def advisory_milestone(request, pk: int):
    """A report this member was named to review; any other report is a 404."""
    report = get_object_or_404(_report_rows(), pk=pk, reviewer=request.member)
    form = ReviewForm(request.POST or None, prefix="review")
    if request.method == "POST" and _review(request, report, form):
        return redirect("residents:advisory_milestones")
    status = 400 if request.method == "POST" else 200
    return render(request, "residents/advisory/milestone.html", {"report": report, "form": form}, status=status)
