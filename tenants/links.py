"""The applicants' links: random, stored only as a hash, used once, expiring.

E-mails carry them (``tenants.notifications``); the public pages redeem them (``tenants.views.links``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from common.tokens import hash_token, new_token

from .exceptions import InvalidLink
from .models import AccessLink, Application


def access_link_issue(*, application: Application, email: str) -> str:
    """A new single-use link for ``email``; returns the token, which is stored only as a hash."""
    token = new_token()
    AccessLink.objects.create(
        application=application,
        email=email.lower(),
        token_hash=hash_token(token),
        expires_at=timezone.now() + dt.timedelta(days=settings.APPLICATION_LINK_DAYS),
    )
    return token


def access_link_find(*, token_hash: str) -> AccessLink:
    """The usable link whose token hashes to ``token_hash``, or InvalidLink (unknown, used or expired alike)."""
    link = (
        AccessLink.objects.select_related("application__company")
        .filter(token_hash=token_hash, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if link is None:
        raise InvalidLink(_("This link is not valid any more. Ask for a new one below."))
    return link


def access_link_redeem(*, token_hash: str) -> AccessLink:
    """Use a link once: a second use, even at the same moment, fails."""
    link = access_link_find(token_hash=token_hash)
    used = AccessLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:
        raise InvalidLink(_("This link is not valid any more. Ask for a new one below."))
    return link
