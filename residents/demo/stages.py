"""Demo data of platform stages: the campus's milestones for each stage, and the first-batch
residents placed at a stage with reports in every state (waiting, accepted, sent back).

``seed(campus, companies)`` goes through the services, as the campus team would: reviews and moves
are made by a demo team account that cannot sign in. A company with a recorded stage move is left
as it is, so running it again adds nothing. The moves are dated back from the company's move-in,
so the dashboard's median days in each stage have something to show.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from campus.models import Campus
from tenants.choices import CompanyStatus
from tenants.models import Company

from ..models import StageMilestone, StageTransition
from ..services.stages import campus_stages, milestone_accept, milestone_report, milestone_send_back, stage_move

# (stage, title in English, title in Chinese, required)
MILESTONES = [
    ("research_and_development", "Research plan agreed with the campus", "与园区商定研发计划", True),
    ("research_and_development", "Laboratory commissioned", "实验室启用", True),
    ("research_and_development", "First patent application filed", "提交首件专利申请", False),
    ("incubation", "Pre-clinical data package", "临床前数据包", True),
    ("incubation", "Clinical trial approved in China", "获得中国临床试验批准", True),
    ("incubation", "Seed or Series A funding closed", "完成种子轮或A轮融资", False),
    ("demonstration", "NMPA registration filed", "提交国家药监局（NMPA）注册申请", True),
    ("demonstration", "Pilot production validated (GMP)", "中试生产通过GMP验证", True),
    ("demonstration", "First hospital partner signed", "签约首家合作医院", False),
    ("commercial_launch", "NMPA registration certificate granted", "获得国家药监局（NMPA）注册证", True),
    ("commercial_launch", "First sale in China", "在中国实现首笔销售", True),
    ("commercial_launch", "Distribution agreement signed", "签订经销协议", False),
]

# What each first-batch resident shows, in turn: (days in each stage it passed, reports of its
# current stage as (milestone position, outcome)), outcome "waiting", "accepted" or a send-back reason.
STORIES = [
    ([], [(0, "waiting")]),
    ([], [(0, "accepted"), (1, "accepted")]),
    ([210], [(0, "accepted"), (1, "The approval letter from the NMPA is missing; attach it, please.")]),
    ([150], [(0, "accepted"), (1, "waiting"), (2, "accepted")]),
    ([120, 400], [(0, "waiting")]),
    ([], []),
    ([180], []),
]

EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _team_account():
    """The demo campus team: may review reports and move stages, has no password to sign in with."""
    user, created = get_user_model().objects.get_or_create(
        username="demo-campus-team", defaults={"email": "campus-team@demo.invalid", "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="residents",
                codename__in=["view_milestonereport", "change_milestonereport", "add_stagetransition"],
            )
        )
    return get_user_model().objects.get(pk=user.pk)  # permissions are cached per instance


def _milestones(campus: Campus) -> dict[str, list[StageMilestone]]:
    by_stage: dict[str, list[StageMilestone]] = {}
    for position, (stage, title_en, title_zh, required) in enumerate(MILESTONES):
        milestone, _created = StageMilestone.objects.get_or_create(
            campus=campus,
            stage=stage,
            title_en=title_en,
            defaults={"title_zh_hans": title_zh, "required": required, "position": position},
        )
        by_stage.setdefault(stage, []).append(milestone)
    return by_stage


def _evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EVIDENCE, content_type="application/pdf")


def _report(company: Company, milestone: StageMilestone, outcome: str, team) -> None:
    report = milestone_report(
        company=company,
        milestone=milestone,
        note=f"Demo: {milestone.title_en} reached.",
        upload=_evidence(f"{milestone.title_en.lower().replace(' ', '-')[:40]}.pdf"),
        actor=None,
    )
    if outcome == "accepted":
        milestone_accept(report=report, actor=team, comment="Demo: well documented.")
    elif outcome != "waiting":
        milestone_send_back(report=report, actor=team, reason=outcome)


def _move_through(company: Company, stages: list[str], days: list[int], team) -> None:
    """Place the company at the first stage on its move-in day, then on after ``days`` in each stage."""
    moved_on = company.resident_since or timezone.localdate()
    targets = stages[: len(days) + 1]
    for index, stage in enumerate(targets):
        transition = stage_move(
            company=company,
            to_stage=stage,
            actor=team,
            reason="Demo: placed at the stage the company applied for." if index == 0 else "",
            override_reason="Demo: milestones reached before the portal kept them.",
        )
        when = timezone.make_aware(dt.datetime.combine(moved_on, dt.time(10)))
        StageTransition.objects.filter(pk=transition.pk).update(created_at=when)
        company.refresh_from_db()
        if index < len(days):
            moved_on += dt.timedelta(days=days[index])


@transaction.atomic
def seed(campus: Campus, companies) -> None:
    """Milestones for each of the campus's stages, and the first-batch residents' stages and reports."""
    milestones = _milestones(campus)
    stages = campus_stages(campus)
    team = _team_account()
    for company, (days, reports) in zip(companies, STORIES, strict=False):
        company.refresh_from_db()
        placed = company.platform_stage or StageTransition.objects.filter(company=company).exists()
        if placed or company.status != CompanyStatus.RESIDENT:
            continue
        _move_through(company, stages, days, team)
        current = milestones.get(company.platform_stage, [])
        for position, outcome in reports:
            if position < len(current):
                _report(company, current[position], outcome, team)
