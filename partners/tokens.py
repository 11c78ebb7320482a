"""Partner API tokens: made once, shown once, stored as a SHA-256 hash with a visible prefix."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from common.tokens import hash_token, new_token

from .models import ALL_SCOPES, Partner, PartnerToken

TOKEN_PREFIX = "icp_"  # noqa: S105 - a public marker, not a secret


@transaction.atomic
def partner_token_create(
    *,
    partner: Partner,
    name: str = "default",
    scopes: list[str] | None = None,
    expires_in_days: int | None = None,
    actor=None,
) -> tuple[PartnerToken, str]:
    """Issue a token; returns the row and the secret, which is never stored and cannot be shown again."""
    scopes = list(ALL_SCOPES if scopes is None else scopes)
    unknown = set(scopes) - set(ALL_SCOPES)
    if unknown:
        raise ValueError(f"Unknown scopes: {', '.join(sorted(unknown))}. Known: {', '.join(ALL_SCOPES)}")
    secret = TOKEN_PREFIX + new_token()
    token = PartnerToken.objects.create(
        partner=partner,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 8],
        token_hash=hash_token(secret),
        scopes=scopes,
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
        created_by=actor,
    )
    return token, secret


@transaction.atomic
def partner_token_revoke(*, token: PartnerToken) -> PartnerToken:
    """Revoke a token at once; revoking it again changes nothing. Recorded in the audit history."""
    token = PartnerToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def partner_token_authenticate(secret: str) -> PartnerToken | None:
    """The usable token for ``secret``, or None (unknown, expired, revoked, partner not active)."""
    token = PartnerToken.objects.usable().select_related("partner").filter(token_hash=hash_token(secret)).first()
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - dt.timedelta(minutes=1):
            PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most one write a minute
    return token
