"""Secret calendar addresses: issuing one (which revokes the owner's previous one), turning it off,
and finding the feed an address names.

An owner is a person (their own bookings, and the committee meetings they are invited to) or a
resource (its bookings, without who booked). The address holds a random token shown once; only
its SHA-256 hash is kept (``CalendarFeed.token_hash``). An owner has at most one live feed: the
owner's row is locked while the old feed is revoked and the new one written, and a partial unique
constraint (migration ``0011_calendar_feed_live_once``) refuses a second live feed from any writer.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.actors import Actor, actor_user
from common.errors import DomainError
from common.tokens import hash_token, new_token

from ..models import CalendarFeed, Resource


def feed_url(token: str) -> str:
    """The address to give a calendar app (absolute, as it has no page to start from)."""
    with translation.override(settings.LANGUAGE_CODE):  # one address, whatever the page's language
        path = reverse("residents:calendar_feed", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def _owner_filter(user, resource: Resource | None) -> dict:
    if (user is None) == (resource is None):
        raise DomainError(_("A calendar address is for one person or one resource."))
    return {"user": user} if user is not None else {"resource": resource}


def _lock_owner(user, resource: Resource | None) -> None:
    """Lock the owner's row: two requests for a new address queue here, the second revoking the first's."""
    if user is not None:
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    else:
        Resource.objects.select_for_update(of=("self",)).filter(pk=resource.pk).first()


@transaction.atomic
def feed_issue(*, user=None, resource: Resource | None = None, actor: Actor) -> tuple[CalendarFeed, str]:
    """A new calendar address for ``user`` or ``resource``; the previous one stops working.

    Returns the feed and its token, which is not kept and cannot be shown again.
    """
    owner = _owner_filter(user, resource)
    _lock_owner(user, resource)
    now = timezone.now()
    CalendarFeed.objects.filter(**owner, revoked_at__isnull=True).update(revoked_at=now)
    token = new_token()
    feed = CalendarFeed.objects.create(**owner, token_hash=hash_token(token), created_by=actor_user(actor))
    return feed, token


@transaction.atomic
def feed_revoke(*, user=None, resource: Resource | None = None, actor: Actor) -> int:
    """Turn off the live calendar address of ``user`` or ``resource``; returns how many were live (0 or 1)."""
    owner = _owner_filter(user, resource)
    _lock_owner(user, resource)
    return CalendarFeed.objects.filter(**owner, revoked_at__isnull=True).update(revoked_at=timezone.now())


def feed_live(*, user=None, resource: Resource | None = None) -> CalendarFeed | None:
    """The owner's live feed (its address cannot be shown again, only replaced or turned off)."""
    return CalendarFeed.objects.filter(**_owner_filter(user, resource), revoked_at__isnull=True).first()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed ``token`` names, or None (unknown, revoked, or its person's account closed).

    Looked up by the token's hash, which an attacker cannot steer, and compared in constant time.
    """
    if not token or len(token) > 100:
        return None
    digest = hash_token(token)
    feed = (
        CalendarFeed.objects.select_related("user", "resource__campus")
        .filter(token_hash=digest, revoked_at__isnull=True)
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.token_hash, digest):
        return None
    if feed.user_id is not None and not feed.user.is_active:
        return None
    return feed


def feed_read(feed: CalendarFeed) -> None:
    """Note when a calendar app last fetched the feed, at most once a minute (no write per poll)."""
    now = timezone.now()
    if feed.last_read_at is None or (now - feed.last_read_at).total_seconds() >= 60:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
