"""Partner API tokens: made once, shown once, stored as a SHA-256 hash with a visible prefix."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from common.actors import Actor, actor_user
from common.tokens import hash_token, new_token

from .models import ALL_SCOPES, Partner, PartnerToken

TOKEN_PREFIX = "icp_"  # noqa: S105 - a public marker, not a secret
# A usable token is remembered this long, so partners polling the API do not cost a database
# read per request. Saving a token or its partner (revocation, suspension) forgets it at once.
CACHE_SECONDS = 60
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@transaction.atomic
def partner_token_create(
    *,
    partner: Partner,
    name: str = "default",
    scopes: list[str] | None = None,
    expires_in_days: int | None = None,
    actor: Actor = None,
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
        created_by=actor_user(actor),
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


def _cache_key(token_hash: str) -> str:
    return f"partner-token:{token_hash}"


def partner_token_authenticate(secret: str) -> PartnerToken | None:
    """The usable token for ``secret``, or None (unknown, expired, revoked, partner not active)."""
    digest = hash_token(secret)
    key = _cache_key(digest)
    now = timezone.now()
    token = cache.get(key)
    if token is None:
        token = PartnerToken.objects.usable().select_related("partner").filter(token_hash=digest).first()
        if token is None:
            return None
        cache.set(key, token, CACHE_SECONDS)
    elif token.expires_at is not None and token.expires_at <= now:
        cache.delete(key)
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        PartnerToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most one write a minute
        token.last_used_at = now
        cache.set(key, token, CACHE_SECONDS)
    return token


def forget_tokens(token_hashes: list[str]) -> None:
    """Drop cached tokens now and again after the surrounding transaction commits (no stale re-read)."""
    keys = [_cache_key(digest) for digest in token_hashes]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
