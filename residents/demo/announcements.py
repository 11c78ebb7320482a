"""Demo announcements: a pinned welcome, news for the campus, one building and chosen companies, one ended."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campus.models import Allocation, Building, Campus
from tenants.models import Company

from ..choices import AnnouncementAudience as Audience
from ..models import Announcement
from ..services.announcements import announcement_publish, announcement_save

# (audience, pinned, published days ago, ends in days (None: no end), English, Chinese)
ANNOUNCEMENTS = [
    (
        Audience.CAMPUS,
        True,
        30,
        None,
        (
            "Welcome to your company's area on the portal",
            "Your team, your space, onboarding and the campus's news are here. Company admins invite "
            "colleagues from the Team page.",
        ),
        ("欢迎使用门户中的企业专区", "您的团队、空间、入驻事项和园区消息都在这里。企业管理员可在“团队”页面邀请同事。"),
    ),
    (
        Audience.CAMPUS,
        False,
        2,
        14,
        (
            "Fire drill next Wednesday at 10:00",
            "The alarm will sound for about five minutes. Please leave by the nearest exit and gather at "
            "the assembly point in front of the main entrance. Experiments that cannot be paused: tell the "
            "EHS team by Monday.",
        ),
        (
            "下周三10:00消防演习",
            "警报将持续约五分钟。请从最近的出口撤离，并在主入口前的集合点集合。无法暂停的实验请于周一前告知EHS团队。",
        ),
    ),
    (
        Audience.BUILDING,
        False,
        5,
        10,
        (
            "Planned power maintenance in your building",
            "On Saturday from 08:00 to 12:00 the laboratory circuits are switched to backup power. Freezers "
            "and incubators on the emergency circuits keep running; please switch off other equipment.",
        ),
        (
            "您所在楼宇的计划电力检修",
            "周六08:00至12:00实验室线路将切换至备用电源。接入应急线路的冰箱和培养箱照常运行，请关闭其他设备。",
        ),
    ),
    (
        Audience.COMPANIES,
        False,
        7,
        None,
        (
            "Biosafety cabinet certification visit",
            "The certification body visits your laboratories next month. Please keep the cabinets' "
            "maintenance records at hand; the EHS team will confirm the time slot.",
        ),
        (
            "生物安全柜认证检查",
            "认证机构将于下月检查贵公司的实验室。请备好生物安全柜的维护记录，EHS团队将确认具体时间。",
        ),
    ),
    (
        Audience.CAMPUS,
        False,
        60,
        -10,
        (
            "Opening hours over the Spring Festival",
            "The main entrance is open from 09:00 to 17:00 during the holiday; laboratories stay reachable "
            "with your access card.",
        ),
        ("春节期间开放时间", "假期期间主入口开放时间为09:00至17:00，实验室可凭门禁卡进入。"),
    ),
]


def _building(campus: Campus, companies: list[Company]) -> Building | None:
    """The building the first-batch residents are in today, else the campus's first."""
    occupied = (
        Allocation.objects.active_on(timezone.localdate())
        .filter(company__in=companies, space__building__campus=campus)
        .values_list("space__building", flat=True)
        .first()
    )
    return Building.objects.filter(pk=occupied).first() or campus.buildings.order_by("code").first()


def seed(campus: Campus, companies: list[Company]) -> list[Announcement]:
    """The announcements above for ``campus``, written and published through the services; once only."""
    companies = list(companies)
    now = timezone.now()
    building = _building(campus, companies)
    seeded = []
    for audience, pinned, days_ago, ends_in, (title_en, body_en), (title_zh, body_zh) in ANNOUNCEMENTS:
        if (audience == Audience.BUILDING and building is None) or (audience == Audience.COMPANIES and not companies):
            continue
        existing = Announcement.objects.filter(campus=campus, title_en=title_en).first()
        if existing is not None:
            seeded.append(existing)
            continue
        announcement = announcement_save(
            announcement=Announcement(
                campus=campus,
                audience=audience,
                building=building if audience == Audience.BUILDING else None,
                title_en=title_en,
                title_zh=title_zh,
                body_en=body_en,
                body_zh=body_zh,
                pinned=pinned,
                ends_on=None if ends_in is None else timezone.localdate(now) + dt.timedelta(days=ends_in),
            ),
            companies=companies[:2],
        )
        seeded.append(announcement_publish(announcement=announcement, at=now - dt.timedelta(days=days_ago)))
    return seeded
