"""The company's platform stage in /my/: the milestones of its stage, reporting one, and the evidence."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.downloads import private_download
from common.errors import DomainError

from ..access import resident_required
from ..choices import MemberRole, ReportState
from ..forms.stages import MilestoneReportForm
from ..models import MilestoneEvidence, MilestoneReport, StageMilestone, StageTransition
from ..services.stages import (
    campus_stages,
    evidence_readable_by,
    milestone_report,
    milestones_missing,
    milestones_of_stage,
    stage_after,
    stage_label,
)

# Finance people see the stage; the company's admins and members report milestones.
REPORTERS = (MemberRole.ADMIN, MemberRole.MEMBER)


@resident_required
def stages(request, report_forms: dict | None = None, status: int = 200):
    company = request.membership.company
    can_report = request.membership.role in REPORTERS
    milestones = milestones_of_stage(company)
    for milestone in milestones:
        open_to_report = milestone.latest is None or milestone.latest.state == ReportState.SENT_BACK
        milestone.form = None
        if can_report and open_to_report:
            milestone.form = (report_forms or {}).get(milestone.pk) or MilestoneReportForm(milestone=milestone)
    reports = (
        MilestoneReport.objects.filter(company=company)
        .select_related("milestone", "evidence", "reported_by")
        .order_by("-reported_at", "-pk")
    )
    all_stages = campus_stages(company.campus)
    context = {
        "company": company,
        "membership": request.membership,
        "stages": [(code, stage_label(code)) for code in all_stages],
        "next_stage": stage_after(all_stages, company.platform_stage),
        "milestones": milestones,
        "missing": milestones_missing(company),
        "reports": Paginator(reports, 25).get_page(request.GET.get("page")),
        "transitions": StageTransition.objects.filter(company=company).order_by("-created_at", "-pk")[:20],
    }
    return render(request, "residents/stages.html", context, status=status)


@require_POST
@resident_required(roles=REPORTERS)
def milestone_report_new(request, pk: int):
    company = request.membership.company
    milestone = get_object_or_404(StageMilestone, pk=pk, campus_id=company.campus_id)
    form = MilestoneReportForm(request.POST, request.FILES, milestone=milestone)
    if form.is_valid():
        try:
            milestone_report(
                company=company,
                milestone=milestone,
                note=form.cleaned_data["note"],
                upload=form.cleaned_data["evidence"],
                actor=request.user,
            )
        except DomainError as error:
            if error.field not in form.fields:
                messages.error(request, error.message)
                return redirect("residents:stages")
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Reported: “%(milestone)s” is waiting for review.") % {"milestone": milestone})
            return redirect("residents:stages")
    return stages.__wrapped__(request, report_forms={milestone.pk: form}, status=400)


def milestone_evidence(request, pk: int):
    """The evidence of a report, for the company's people, staff and the named reviewer; others get 404."""
    evidence = get_object_or_404(MilestoneEvidence.objects.select_related("report__reviewer"), pk=pk)
    if not evidence_readable_by(evidence, request.user):
        raise Http404
    return private_download(evidence)
