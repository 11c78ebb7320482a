"""Announcements: writing and publishing them, e-mailing each person of the audience once, reading them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campus.models import Building, Campus
from common.actors import Actor, actor_user
from common.errors import DomainError
from common.jobs import enqueue_on_commit
from tenants.models import Company
from tenants.notifications import notification_compose, notifications_write

from ..choices import AnnouncementAudience as Audience
from ..models import Announcement, AnnouncementReceipt, Membership

# What the e-mails were written for: once they are out, these stay as they are.
SENT_WITH = ("campus_id", "audience", "building_id", "published_at")
AUDIENCE_FIXED = gettext_lazy("Its e-mails have gone out: whom it is for and when it was published stay as they are.")


def announcement_audience_check(
    *, campus: Campus, audience: str, building: Building | None, companies: Iterable[Company]
) -> None:
    """Refuse an audience that is not of the announcement's campus, or chosen companies with none chosen."""
    if audience == Audience.BUILDING and building is not None and building.campus_id != campus.pk:
        raise DomainError(_("The building is on another campus."), field="building")
    if audience != Audience.COMPANIES:
        return
    companies = list(companies)
    if not companies:
        raise DomainError(_("Choose at least one company."), field="companies")
    elsewhere = sorted(company.name for company in companies if company.campus_id != campus.pk)
    if elsewhere:
        raise DomainError(
            _("Not companies of this campus: %(names)s.") % {"names": ", ".join(elsewhere)}, field="companies"
        )


def _check(announcement: Announcement, companies: list[Company]) -> None:
    """The model's own rules and the audience's, as one DomainError naming the field at fault."""
    try:
        announcement.full_clean(validate_unique=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=None if field == NON_FIELD_ERRORS else field) from error
    announcement_audience_check(
        campus=announcement.campus,
        audience=announcement.audience,
        building=announcement.building,
        companies=companies,
    )


def _email_when_due(announcement: Announcement) -> None:
    if announcement.emailed_at is None and announcement.is_current():
        from .. import tasks  # imported here: the tasks module imports this one

        enqueue_on_commit(tasks.announcement_email, announcement.pk)


@transaction.atomic
def announcement_save(
    *, announcement: Announcement, companies: Iterable[Company] = (), actor: Actor = None
) -> Announcement:
    """Write a new or changed announcement; once it is published, its people are e-mailed (once).

    After the e-mails went out the text may still be corrected, but not whom and when it was for.
    """
    companies = list(companies) if announcement.audience == Audience.COMPANIES else []
    _check(announcement, companies)
    stored = Announcement.objects.select_for_update().filter(pk=announcement.pk).first() if announcement.pk else None
    if stored is None:
        announcement.created_by = actor_user(actor)
    elif stored.emailed_at is not None:
        moved = any(getattr(stored, name) != getattr(announcement, name) for name in SENT_WITH)
        if moved or set(stored.companies.all()) != set(companies):
            raise DomainError(str(AUDIENCE_FIXED))
        announcement.emailed_at = stored.emailed_at
    if announcement.published_at is None:
        announcement.published_by = None
    elif stored is None or stored.published_at != announcement.published_at:
        announcement.published_by = actor_user(actor)
    announcement.save()
    announcement.companies.set(companies)
    _email_when_due(announcement)
    return announcement


@transaction.atomic
def announcement_publish(
    *, announcement: Announcement, actor: Actor = None, at: dt.datetime | None = None
) -> Announcement:
    """Publish a draft now (or at ``at``): residents of its audience see it, and their people are e-mailed once."""
    locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
    now = timezone.now()
    if locked.published_at is not None and locked.published_at <= now:
        raise DomainError(_("“%(title)s” is published already.") % {"title": locked.title_en})
    locked.published_at = at or now
    locked.published_by = actor_user(actor)
    _check(locked, list(locked.companies.all()))
    locked.save(update_fields=["published_at", "published_by"])
    _email_when_due(locked)
    return locked


def _people_not_told(announcement: Announcement):
    """The active people of the companies reached, without a receipt for it yet."""
    return (
        Membership.objects.filter(company__in=announcement.companies_reached(), user__is_active=True)
        .exclude(user__announcement_receipts__announcement=announcement)
        .select_related("user", "company")
        .order_by("pk")
    )


def announcement_email(*, announcement_id: int) -> int:
    """E-mail every person of the audience in their language, once; returns how many were written.

    The announcement is locked while the e-mails and receipts are written in one transaction, and
    a person with a receipt is skipped: a second run, or two at once, writes nothing more.
    """
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        now = timezone.now()
        if announcement is None or announcement.emailed_at is not None or not announcement.is_current(now):
            return 0
        people = list(_people_not_told(announcement))
        emails = notifications_write(
            [
                notification_compose(
                    kind="announcement",
                    recipient=membership.user.email,
                    template="residents/email/announcement",
                    context={"announcement": announcement},
                    company=membership.company,
                    language=membership.language,
                )
                for membership in people
            ]
        )
        receipts = [
            AnnouncementReceipt(
                announcement=announcement,
                user=membership.user,
                company=membership.company,
                notification=notification,
                emailed_at=now,
            )
            for membership, notification in zip(people, emails, strict=True)
        ]
        AnnouncementReceipt.objects.bulk_create(receipts)
        announcement.emailed_at = now
        announcement.save(update_fields=["emailed_at"])
    return len(receipts)


def due_announcements_email() -> int:
    """Every few minutes: e-mail announcements published at a time set ahead, or whose job never ran."""
    return sum(
        announcement_email(announcement_id=pk) for pk in Announcement.objects.due_unsent().values_list("pk", flat=True)
    )


def announcement_read(*, announcement: Announcement, actor, company: Company) -> AnnouncementReceipt:
    """The person ``actor`` opened the announcement in /my/: the first time is recorded."""
    now = timezone.now()
    receipt, created = AnnouncementReceipt.objects.get_or_create(
        announcement=announcement, user=actor, defaults={"company": company, "read_at": now}
    )
    if not created and receipt.read_at is None:
        AnnouncementReceipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=now)
        receipt.read_at = now
    return receipt
