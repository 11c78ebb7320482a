"""Two years of invented applications for demonstrations, made through the services as the campus
team and the applicants would have made them, then dated back to the days the story gives.

The companies are invented and named "Demo Applicant · …"; every application is flagged as demo
data. An application already loaded (its company's name) is left as it is, so loading again adds
nothing. What happens in committee review (the advisory reviews) and when an application starts
(a partner's referral) belongs to higher apps: the caller passes those steps in as ``hooks``.

Dates count back from today, so the dashboard's period (the last year) and the year before both
have submissions, decisions and withdrawals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from campus.models import BusinessArea, Campus
from campus.selectors import spaces_available
from campus.services import allocation_create

from .choices import ENDED, ApplicationStatus, CompanyStatus, DocumentKind, TaskOwner, TaskState
from .models import (
    Application,
    ApplicationContact,
    ApplicationTransition,
    Company,
    Notification,
    OnboardingPlan,
    OutcomeSurvey,
)
from .rules import STEPS
from .services.applications import application_start, application_submit, application_transition, document_attach
from .services.onboarding import onboarding_task_complete
from .services.outcomes import outcome_survey_answer, outcome_surveys_send

S = ApplicationStatus
PREFIX = "Demo Applicant · "
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: Days between the steps of an application's story: start, then each move.
STEP_DAYS = {S.SUBMITTED: 6, S.SCREENING: 5, S.COMMITTEE_REVIEW: 9, S.APPROVED: 21, S.REJECTED: 14, S.WITHDRAWN: 8}


@dataclass(frozen=True)
class Story:
    """One invented application: who, what it asks for, and the states it went through."""

    name: str
    country: str
    area: str
    stage: str
    space_kind: str
    path: tuple[str, ...]
    started_days_ago: int
    quality: int = 3  # 1–5: how the committee scores it
    partner: int | None = None  # the position of the partner that referred it, if any
    settled_tasks: int = 0  # onboarding tasks done after approval (all of them: it moved in)
    left_days_ago: int | None = None  # a resident that has since moved out (alumni)
    reason: str = ""
    extra: dict = field(default_factory=dict)


#: Demo companies that became residents have moved out since, so the campus's residents stay the
#: named companies of its facts; their outcome surveys and past space remain.
LEFT_DAYS_AGO = 45
REVIEWED = (S.SUBMITTED, S.SCREENING, S.COMMITTEE_REVIEW)
STORIES = [
    Story(
        "Organoid Screening",
        "NL",
        "pharmacy",
        "research_and_development",
        "laboratory",
        (S.SUBMITTED, S.SCREENING, S.REJECTED),
        705,
        reason="Demo data: outside the campus's disease-management focus.",
    ),
    Story(
        "Sleep Apnoea Devices",
        "AU",
        "equipment",
        "demonstration",
        "showroom",
        (S.SUBMITTED, S.WITHDRAWN),
        672,
        reason="Demo data: the company chose another site.",
    ),
    Story(
        "Antibody Discovery",
        "CH",
        "pharmacy",
        "incubation",
        "laboratory",
        (*REVIEWED, S.REJECTED),
        640,
        quality=2,
        partner=0,
        reason="Demo data: the committee found the team too early for the campus.",
    ),
    Story(
        "Digital Pathology",
        "GB",
        "digitization",
        "incubation",
        "office",
        (*REVIEWED, S.APPROVED),
        610,
        quality=5,
        partner=1,
        settled_tasks=7,
        left_days_ago=LEFT_DAYS_AGO,
    ),
    Story(
        "Hearing Diagnostics",
        "DK",
        "equipment",
        "demonstration",
        "showroom",
        (*REVIEWED, S.REJECTED),
        565,
        quality=2,
        reason="Demo data: no regulatory plan for China yet.",
    ),
    Story(
        "Microbiome Therapeutics",
        "US",
        "pharmacy",
        "research_and_development",
        "laboratory",
        (S.SUBMITTED, S.SCREENING, S.WITHDRAWN),
        528,
        reason="Demo data: the applicant withdrew after its funding round slipped.",
    ),
    Story(
        "Cancer Vaccine Platform",
        "DE",
        "pharmacy",
        "incubation",
        "laboratory",
        (*REVIEWED, S.APPROVED),
        486,
        quality=4,
        partner=0,
        settled_tasks=7,
        left_days_ago=LEFT_DAYS_AGO,
    ),
    Story(
        "Telehealth Triage",
        "IN",
        "digitization",
        "commercial_launch",
        "office",
        (S.SUBMITTED, S.SCREENING, S.REJECTED),
        450,
        partner=3,
        reason="Demo data: a software company without laboratory needs; referred to the city's software park.",
    ),
    Story(
        "Point-of-care Cytometry",
        "IL",
        "diagnosis",
        "incubation",
        "laboratory",
        (*REVIEWED, S.REJECTED),
        405,
        quality=2,
        reason="Demo data: the committee asked for clinical data first.",
    ),
    Story(
        "Surgical Robotics",
        "JP",
        "equipment",
        "demonstration",
        "demonstration_hall",
        (*REVIEWED, S.REJECTED),
        362,
        quality=3,
        reason="Demo data: the space needed is not free before next year.",
    ),
    Story(
        "Rare Disease Registry",
        "FR",
        "digitization",
        "research_and_development",
        "office",
        (S.WITHDRAWN,),
        330,
        reason="Demo data: the draft was started twice; this copy was withdrawn.",
    ),
    Story(
        "Methylation Assays",
        "SG",
        "diagnosis",
        "incubation",
        "laboratory",
        (*REVIEWED, S.REJECTED),
        290,
        quality=2,
        partner=2,
        reason="Demo data: the assay overlaps a resident's product.",
    ),
    Story(
        "Bioprinting Lab",
        "KR",
        "equipment",
        "research_and_development",
        "clean_room",
        (S.SUBMITTED, S.SCREENING, S.REJECTED),
        245,
        reason="Demo data: a clean room of this class is not available.",
    ),
    Story(
        "Companion Diagnostics",
        "CA",
        "diagnosis",
        "demonstration",
        "laboratory",
        (*REVIEWED, S.REJECTED),
        205,
        quality=3,
        reason="Demo data: the committee preferred a later intake.",
    ),
    Story(
        "Radiology AI Triage",
        "RU",
        "digitization",
        "incubation",
        "office",
        (*REVIEWED, S.WITHDRAWN),
        168,
        quality=4,
        partner=0,
        reason="Demo data: the applicant withdrew during the committee's review.",
    ),
    Story(
        "Cell Line Development",
        "BE",
        "pharmacy",
        "research_and_development",
        "laboratory",
        (*REVIEWED, S.APPROVED),
        128,
        quality=4,
        settled_tasks=2,
    ),
    Story(
        "Continuous Glucose Monitoring",
        "TW",
        "equipment",
        "demonstration",
        "showroom",
        (*REVIEWED, S.APPROVED),
        95,
        quality=5,
        partner=1,
        settled_tasks=4,
    ),
    Story(
        "Liquid Handling Robotics",
        "SE",
        "equipment",
        "incubation",
        "laboratory",
        (*REVIEWED, S.APPROVED),
        70,
        quality=4,
        settled_tasks=3,
    ),
    Story("ctDNA Monitoring", "HK", "diagnosis", "incubation", "laboratory", REVIEWED, 42, quality=4, partner=2),
    Story("Ophthalmic Imaging", "IT", "equipment", "demonstration", "showroom", REVIEWED, 30, quality=3),
    Story("Pharmacogenomics Reports", "MY", "diagnosis", "commercial_launch", "office", (S.SUBMITTED, S.SCREENING), 19),
    Story(
        "Wound Care Biomaterials",
        "ES",
        "pharmacy",
        "research_and_development",
        "laboratory",
        (S.SUBMITTED,),
        12,
        partner=3,
    ),
    Story("Home Dialysis", "NZ", "equipment", "demonstration", "showroom", (S.SUBMITTED,), 9),
    Story("Proteomics Biomarkers", "AT", "diagnosis", "research_and_development", "laboratory", (), 6),
    Story("Neonatal Screening", "TH", "diagnosis", "incubation", "laboratory", (), 2),
]

Hook = Callable[[Application, Story, dt.datetime], None]


def at(days_ago: float, hour: int = 10) -> dt.datetime:
    """A moment ``days_ago`` days before today, at ``hour`` in the current time zone."""
    day = timezone.localdate() - dt.timedelta(days=int(days_ago))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def demo_staff():
    """The demo campus manager who screens and decides: staff, with no password to sign in with."""
    user, created = get_user_model().objects.get_or_create(
        username="demo-campus-manager",
        defaults={"email": "campus-manager@demo.invalid", "first_name": "Demo campus manager", "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def story_applicant(story: Story) -> str:
    """The invented contact's address (the .invalid domain never delivers)."""
    return f"founder@{story.name.lower().replace(' ', '-').replace('·', '')}.demo.invalid"


def _backdate(application: Application, when: dt.datetime) -> None:
    """Date the application's latest move (and what it stamps on the application) to ``when``."""
    move = application.transitions.order_by("-pk").first()
    ApplicationTransition.objects.filter(pk=move.pk).update(created_at=when)
    stamps = {"updated_at": when}
    if move.to_status == S.SUBMITTED:
        stamps["submitted_at"] = when
    if move.to_status in ENDED:
        stamps["decided_at"] = when
    Application.objects.filter(pk=application.pk).update(**stamps)


def _start(campus: Campus, story: Story, when: dt.datetime) -> Application:
    company = Company(name=PREFIX + story.name, country=story.country, listed=False)
    application = application_start(campus=campus, company=company, language="en")
    company.business_areas.set(BusinessArea.objects.filter(code=story.area))
    ApplicationContact.objects.create(
        application=application, name="Demo Founder", email=story_applicant(story), is_primary=True
    )
    Application.objects.filter(pk=application.pk).update(
        is_demo=True,
        completed_steps=list(STEPS),
        platform_stage=story.stage,
        space_kind=story.space_kind,
        space_from=(when + dt.timedelta(days=120)).date(),
        created_at=when,
        updated_at=when,
    )
    for kind in (DocumentKind.PITCH_DECK, DocumentKind.BUSINESS_LICENCE):
        upload = SimpleUploadedFile(f"demo-{kind}.pdf", PDF, content_type="application/pdf")
        document_attach(application=application, kind=kind, upload=upload, actor=story_applicant(story))
    application.refresh_from_db()
    return application


def _move(application: Application, story: Story, to: str, staff) -> Application:
    if to == S.SUBMITTED:
        return application_submit(application=application, actor=story_applicant(story))
    if to == S.WITHDRAWN:
        return application_transition(application=application, to=to, actor=story_applicant(story), reason=story.reason)
    override = "Demo data: declined at screening, before the committee's review." if to == S.REJECTED else ""
    return application_transition(
        application=application,
        to=to,
        actor=staff,
        reason=story.reason if to == S.REJECTED else "",
        override_reason=override if S.COMMITTEE_REVIEW not in story.path else "",
    )


@transaction.atomic
def story_load(*, campus: Campus, story: Story, staff, hooks: dict[str, Hook]) -> Application | None:
    """One story, through the services; None when its company is on record already."""
    if Company.objects.filter(campus=campus, name=PREFIX + story.name).exists():
        return None
    days_ago = story.started_days_ago
    application = _start(campus, story, at(days_ago, 9))
    if "started" in hooks:
        hooks["started"](application, story, at(days_ago, 11))
    for to in story.path:
        days_ago = max(0, days_ago - STEP_DAYS[to])
        if to in (S.APPROVED, S.REJECTED) and S.COMMITTEE_REVIEW in story.path and "committee_review" in hooks:
            hooks["committee_review"](application, story, at(days_ago + STEP_DAYS[to] - 2, 15))
        application = _move(application, story, to, staff)
        _backdate(application, at(days_ago, 14))
    if story.path[-1:] == (S.COMMITTEE_REVIEW,) and "committee_review" in hooks:
        hooks["committee_review"](application, story, at(max(0, days_ago - 3), 15))
    if story.path[-1:] == (S.APPROVED,):
        _onboard(application, story, approved_on=timezone.localdate() - dt.timedelta(days=days_ago), staff=staff)
    return application


def _onboard(application: Application, story: Story, *, approved_on: dt.date, staff) -> None:
    """Date the plan from the approval, and complete its first ``settled_tasks`` tasks in turn."""
    plan = OnboardingPlan.objects.get(application=application)
    OnboardingPlan.objects.filter(pk=plan.pk).update(approved_on=approved_on)
    template_days = {t.position: t.due_after_days for t in plan.campus.onboarding_template.tasks.all()}
    tasks = list(plan.tasks.order_by("position"))
    for task in tasks:
        task.due_on = approved_on + dt.timedelta(days=template_days.get(task.position, 14))
        type(task).objects.filter(pk=task.pk).update(due_on=task.due_on)
    for task in tasks[: story.settled_tasks]:
        actor = story_applicant(story) if task.owned_by_company else staff
        upload = None
        if task.requires_document:
            upload = SimpleUploadedFile(f"demo-{task.requires_document}.pdf", PDF, content_type="application/pdf")
        onboarding_task_complete(task=task, actor=actor, upload=upload)
        done_at = timezone.make_aware(dt.datetime.combine(task.due_on - dt.timedelta(days=2), dt.time(16)))
        type(task).objects.filter(pk=task.pk).update(completed_at=done_at, state=TaskState.DONE)
        if task.owner == TaskOwner.SPACE_MANAGER:  # the space is allocated from the day the task was done
            _move_in(application, story, starts_on=done_at.date())
    plan.refresh_from_db()
    if plan.completed_at is not None:  # every task done: the company moved in on the last one's day
        last = max(task.due_on for task in tasks) - dt.timedelta(days=2)
        OnboardingPlan.objects.filter(pk=plan.pk).update(
            completed_at=timezone.make_aware(dt.datetime.combine(last, dt.time(16)))
        )
        Company.objects.filter(pk=application.company_id).update(
            resident_since=last, platform_stage=story.stage, updated_at=timezone.now()
        )


def _move_in(application: Application, story: Story, *, starts_on: dt.date) -> None:
    """Allocate a free space of the kind applied for, for three years or until the company left; taken
    from the campus's far end, so the first batch's demo leases still find theirs."""
    ends_on = timezone.localdate() - dt.timedelta(days=story.left_days_ago or -3 * 365)
    space = (
        spaces_available(on=starts_on, until=ends_on, campus=application.campus, kind=story.space_kind)
        .order_by("-building__code", "-code")
        .first()
    )
    if space is not None:
        allocation_create(
            space=space,
            company=application.company,
            starts_on=starts_on,
            ends_on=ends_on,
            area_m2=min(space.area_m2, Decimal(200)),
            notes="Demo data",
        )


@transaction.atomic
def applications_history_load(*, campus: Campus, hooks: dict[str, Hook] | None = None) -> list[Application]:
    """The stories above, oldest first; stories loaded before are skipped."""
    staff = demo_staff()
    loaded = []
    for story in sorted(STORIES, key=lambda s: -s.started_days_ago):
        application = story_load(campus=campus, story=story, staff=staff, hooks=hooks or {})
        if application is not None:
            loaded.append(application)
    _record_as_sent(loaded)
    _outcomes_answer(campus)
    for application in loaded:
        _leave(application)
    return loaded


def _leave(application: Application) -> None:
    """A demo resident that has moved out becomes alumni (saved, so the audit history records it)."""
    company = application.company
    company.refresh_from_db()
    if company.status == CompanyStatus.RESIDENT and company.name.startswith(PREFIX):
        company.status = CompanyStatus.ALUMNI
        company.save(update_fields=["status", "updated_at"])


def _record_as_sent(applications: list[Application]) -> None:
    """The e-mails of these past stories were written to invented addresses months ago: keep them in
    the outbox as sent, rather than send them all now."""
    Notification.objects.filter(application__in=applications, sent_at__isnull=True).update(
        sent_at=timezone.now(), body=""
    )


#: The figures the demo residents report, by year back from this one: people, funding (USD),
#: patents, clinical trials, products.
OUTCOMES = {1: (14, 2_500_000, 2, 0, 0), 0: (23, 6_000_000, 3, 1, 0)}


def _outcomes_answer(campus: Campus) -> list[OutcomeSurvey]:
    """Last year's and this year's outcome surveys of the demo residents, asked through the yearly job
    and answered before they moved out."""
    this_year = timezone.localdate().year
    answered = []
    for years_back, (people, funding, patents, trials, products) in OUTCOMES.items():
        outcome_surveys_send(year=this_year - years_back)
        surveys = OutcomeSurvey.objects.filter(
            company__campus=campus, company__name__startswith=PREFIX, year=this_year - years_back
        )
        for index, survey in enumerate(surveys.filter(answered_at__isnull=True).order_by("company__name")):
            answers = {
                "head_count": people + 4 * index,
                "funding_raised": funding + 1_000_000 * index,
                "patents_filed": patents + index,
                "clinical_trials_started": trials,
                "products_launched": products + index,
            }
            survey = outcome_survey_answer(survey=survey, answers=answers)
            when = at(LEFT_DAYS_AGO + 30 + 365 * years_back)
            OutcomeSurvey.objects.filter(pk=survey.pk).update(sent_at=when - dt.timedelta(days=14), answered_at=when)
            answered.append(survey)
    return answered
