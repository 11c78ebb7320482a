"""Secret tokens that are shown once and stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits of randomness


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
