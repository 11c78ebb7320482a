"""Platform stages as a stage gate: a company reports milestones, staff or a named advisory member
review them, and staff move the company to the campus's next stage once the gate is passed.

Every change is recorded on its row (who, when, why), e-mailed to the company's admins in their
language, and a move of stage is announced to partners as the ``company.stage_changed`` event.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from advisory.models import AdvisoryMember
from campus.choices import PlatformStages
from campus.models import Campus
from common.actors import Actor, actor_user
from common.errors import DomainError
from common.staff import is_staff_session
from tenants.choices import CompanyStatus
from tenants.events import event_record
from tenants.models import Company
from tenants.notifications import notify, notify_staff

from ..access import second_factor_owed
from ..choices import STANDING_REPORTS, ReportState
from ..models import Membership, MilestoneEvidence, MilestoneReport, StageMilestone, StageTransition
from .members import people_of

STAGE_ORDER = list(PlatformStages.values)


# --- Reads ----------------------------------------------------------------------------------


def campus_stages(campus: Campus) -> list[str]:
    """The campus's platform stages in their order; every stage when the campus names none."""
    codes = set(campus.platform_stages.values_list("code", flat=True))
    return [code for code in STAGE_ORDER if code in codes] or list(STAGE_ORDER)


def stage_after(stages: list[str], current: str) -> str | None:
    """The stage a company at ``current`` moves to next: the first one when it has none yet."""
    if not current:
        return stages[0] if stages else None
    later = [code for code in stages if STAGE_ORDER.index(code) > STAGE_ORDER.index(current)]
    return later[0] if later else None


def stage_label(code: str) -> str:
    return str(PlatformStages(code).label) if code else _("no stage yet")


def milestones_missing(company: Company) -> list[StageMilestone]:
    """The required milestones of the company's current stage that have no accepted report."""
    if not company.platform_stage:
        return []
    accepted = MilestoneReport.objects.filter(company=company, state=ReportState.ACCEPTED).values("milestone_id")
    return list(
        StageMilestone.objects.filter(campus_id=company.campus_id, stage=company.platform_stage, required=True)
        .exclude(pk__in=accepted)
        .order_by("position", "pk")
    )


def milestones_of_stage(company: Company) -> list[StageMilestone]:
    """The milestones of the company's current stage, each with ``latest`` (its newest report, or None)."""
    milestones = list(
        StageMilestone.objects.filter(campus_id=company.campus_id, stage=company.platform_stage).order_by(
            "position", "pk"
        )
    )
    latest: dict[int, MilestoneReport] = {}
    reports = MilestoneReport.objects.filter(company=company, milestone__in=milestones).select_related("evidence")
    for report in reports.order_by("reported_at", "pk"):
        latest[report.milestone_id] = report
    for milestone in milestones:
        milestone.latest = latest.get(milestone.pk)
    return milestones


def report_decidable_by(report: MilestoneReport, user) -> bool:
    """Staff who may change reports, or the advisory member staff named on this report."""
    if not user.is_authenticated:
        return False
    if is_staff_session(user) and user.has_perm("residents.change_milestonereport"):
        return True
    return report.reviewer is not None and report.reviewer.user_id == user.pk


def evidence_readable_by(evidence: MilestoneEvidence, user) -> bool:
    """The company's people, staff who may view reports, and the advisory member named on the report."""
    if not (user.is_authenticated and user.is_active):
        return False
    report = evidence.report
    membership = Membership.objects.select_related("company__campus").filter(user=user).first()
    if membership is not None and membership.company_id == report.company_id:
        # The company's people read it as they read /my/: once past the second factor they owe.
        return not second_factor_owed(user, membership)
    if is_staff_session(user) and user.has_perm("residents.view_milestonereport"):
        return True
    return report.reviewer is not None and report.reviewer.user_id == user.pk


# --- E-mail ---------------------------------------------------------------------------------


def _admin_recipients(company: Company) -> list[tuple[str, str]]:
    """(address, language) of the company's admins."""
    return [(membership.user.email, membership.language) for membership in people_of(company, admins_only=True)]


def _absolute(url_name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(url_name, args=args)


def _tell_company(company: Company, *, kind: str, template: str, context: dict) -> None:
    link = _absolute("residents:stages")
    for email, language in _admin_recipients(company):
        notify(
            kind=kind,
            recipient=email,
            template=f"residents/email/{template}",
            context={**context, "link": link},
            company=company,
            language=language,
        )


# --- Reporting and reviewing ------------------------------------------------------------------


def _store_evidence(report: MilestoneReport, upload, actor: Actor) -> MilestoneEvidence:
    evidence = MilestoneEvidence(report=report)
    try:
        evidence.store(upload, actor=actor)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="evidence") from None
    return evidence


@transaction.atomic
def milestone_report(
    *, company: Company, milestone: StageMilestone, note: str, upload, actor: Actor
) -> MilestoneReport:
    """The company reports a milestone of its current stage with a note and evidence, for review."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if milestone.campus_id != company.campus_id or milestone.stage != company.platform_stage:
        raise DomainError(_("Only the milestones of your company's current stage can be reported."))
    if not note.strip():
        raise DomainError(_("Say in a note what your company reached."), field="note")
    if upload is None:
        raise DomainError(_("Attach the evidence: a PDF, an image or a Word document."), field="evidence")
    standing = MilestoneReport.objects.filter(company=company, milestone=milestone, state__in=STANDING_REPORTS).first()
    if standing is not None:
        message = (
            _("This milestone is accepted already.")
            if standing.state == ReportState.ACCEPTED
            else _("This milestone is waiting for review already; you can report it again if it is sent back.")
        )
        raise DomainError(message)
    report = MilestoneReport.objects.create(
        company=company, milestone=milestone, note=note.strip(), reported_by=actor_user(actor)
    )
    _store_evidence(report, upload, actor)
    context = {"report": report, "milestone": milestone}
    _tell_company(company, kind="stages:reported", template="milestone_reported", context=context)
    notify_staff(
        campus=company.campus,
        company=company,
        kind="stages:staff_reported",
        template="residents/email/milestone_to_review",
        context={**context, "link": _absolute("residents:staff_report", report.pk)},
    )
    return report


def _waiting_report(report: MilestoneReport) -> MilestoneReport:
    """The report, locked, while it waits for review; refused once it has been decided."""
    report = (
        MilestoneReport.objects.select_for_update(of=("self",))
        .select_related("company", "milestone", "reviewer")
        .get(pk=report.pk)
    )
    if report.state != ReportState.SUBMITTED:
        raise DomainError(
            _("This report has been reviewed already (%(state)s).") % {"state": report.get_state_display()}
        )
    return report


@transaction.atomic
def milestone_reviewer_name(*, report: MilestoneReport, member: AdvisoryMember | None, actor: Actor) -> MilestoneReport:
    """Staff name an advisory member of the campus's committee to review the report (None: no one)."""
    report = _waiting_report(report)
    if member is not None and member.committee.campus_id != report.company.campus_id:
        raise DomainError(_("Name a member of this campus's advisory committee."), field="reviewer")
    if member is not None and member.user_id is None:
        raise DomainError(_("This member has no account to sign in with."), field="reviewer")
    report.reviewer, report.reviewer_named_by, report.reviewer_named_at = member, actor_user(actor), timezone.now()
    report.save(update_fields=["reviewer", "reviewer_named_by", "reviewer_named_at"])
    if member is not None:
        notify(
            kind="stages:reviewer_named",
            recipient=member.email,
            template="residents/email/milestone_reviewer",
            context={
                "report": report,
                "member": member,
                "link": _absolute("residents:advisory_milestone", report.pk),
            },
            company=report.company,
            language=settings.LANGUAGE_CODE,
        )
    return report


def _decide(report: MilestoneReport, *, actor: Actor, state: str, reason: str) -> MilestoneReport:
    report = _waiting_report(report)
    user = actor_user(actor)
    if user is None or not report_decidable_by(report, user):
        raise DomainError(_("Only campus staff, or the advisory member they named, can review this report."))
    report.state, report.decided_by, report.decided_at, report.reason = state, user, timezone.now(), reason.strip()
    report.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    template = "milestone_accepted" if state == ReportState.ACCEPTED else "milestone_sent_back"
    _tell_company(
        report.company,
        kind=f"stages:{state}",
        template=template,
        context={"report": report, "milestone": report.milestone, "missing": milestones_missing(report.company)},
    )
    return report


@transaction.atomic
def milestone_accept(*, report: MilestoneReport, actor: Actor, comment: str = "") -> MilestoneReport:
    """Accept a report waiting for review; the company hears of it."""
    return _decide(report, actor=actor, state=ReportState.ACCEPTED, reason=comment)


@transaction.atomic
def milestone_send_back(*, report: MilestoneReport, actor: Actor, reason: str) -> MilestoneReport:
    """Send a report back with the reason; the company may report the milestone again."""
    if not reason.strip():
        raise DomainError(_("Say why the report is sent back, so the company knows what to bring."), field="reason")
    return _decide(report, actor=actor, state=ReportState.SENT_BACK, reason=reason)


# --- Moving on --------------------------------------------------------------------------------


@transaction.atomic
def stage_move(
    *, company: Company, to_stage: str, actor: Actor, reason: str = "", override_reason: str = ""
) -> StageTransition:
    """Move a resident to the campus's next platform stage once its required milestones are accepted.

    Staff may move it without them only by giving ``override_reason``, which is kept.
    """
    company = Company.objects.select_for_update().select_related("campus").get(pk=company.pk)
    if company.status != CompanyStatus.RESIDENT:
        raise DomainError(_("Only resident companies move between platform stages."))
    following = stage_after(campus_stages(company.campus), company.platform_stage)
    if following is None:
        raise DomainError(
            _("%(company)s is at the campus's last platform stage already.") % {"company": company.name},
            field="to_stage",
        )
    if to_stage != following:
        raise DomainError(
            _("A company moves only to the next stage: from %(current)s to %(next)s.")
            % {"current": stage_label(company.platform_stage), "next": stage_label(following)},
            field="to_stage",
        )
    missing = milestones_missing(company)
    if missing and not override_reason.strip():
        raise DomainError(
            _("These required milestones are not accepted yet: %(titles)s. Give a reason to move on without them.")
            % {"titles": "; ".join(milestone.title for milestone in missing)},
            field="override_reason",
        )
    transition = StageTransition.objects.create(
        company=company,
        from_stage=company.platform_stage,
        to_stage=to_stage,
        actor=actor_user(actor),
        reason=reason.strip(),
        override_reason=override_reason.strip() if missing else "",
    )
    company.platform_stage = to_stage
    company.save(update_fields=["platform_stage", "updated_at"])  # saved, so the audit history records it
    event_record(
        type="company.stage_changed",
        key=f"company.stage_changed:{transition.pk}",
        payload={
            "company_id": company.pk,
            "campus_id": company.campus_id,
            "from_stage": transition.from_stage,
            "to_stage": transition.to_stage,
            "transition_id": transition.pk,
        },
        occurred_at=transition.created_at,
    )
    _tell_company(company, kind="stages:moved", template="stage_moved", context={"transition": transition})
    return transition
