"""API keys for filing requests (`gridline apikey ...`). A key is 256 random bits, shown once;
only its SHA-256 is stored. A slow hash (scrypt) guards guessable passwords; a key this long
cannot be guessed, so a fast hash loses nothing and keeps every POST cheap."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ApiKey, Open311Submission

KEY_PREFIX = "gl311_"
SHOWN = 10  # characters of a key `gridline apikey list` shows
MAX_NAME = 64


class ApiKeyError(ValueError):
    """A key command that cannot be done: the message says why."""


@dataclass(frozen=True)
class KeyView:
    name: str
    prefix: str | None  # None: revoked (its row is gone; the requests it filed remain)
    created_at: datetime | None
    last_used_at: datetime | None
    requests: int = 0  # filed with it
    last_request_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.prefix is None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _view(row: ApiKey) -> KeyView:
    return KeyView(row.name, row.prefix, row.created_at, row.last_used_at)


async def create_key(s: AsyncSession, *, name: str, now: datetime) -> str:
    """A new key for `name` (a client such as "12345"): returned once, stored hashed."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ApiKeyError(f"A key's name is 1 to {MAX_NAME} characters.")
    if (await s.exec(select(ApiKey).where(ApiKey.name == name))).first() is not None:
        raise ApiKeyError(f"There is already a key named {name!r}: revoke it first, or pick another name.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    s.add(ApiKey(name=name, key_hash=hash_key(key), prefix=key[:SHOWN], created_at=now))
    return key


async def list_keys(s: AsyncSession) -> list[KeyView]:
    """Every key with the requests filed with it, and the revoked keys that filed any.

    Revoking deletes a key, and a request records its key's name only: a request is a living key's
    if filed under its name since it was created, else a revoked key's (one line a name, however
    many were revoked)."""
    filed = Open311Submission
    statement = (
        select(ApiKey, func.count(col(filed.issue_id)), func.max(filed.created_at))
        .outerjoin(filed, and_(filed.api_key_name == ApiKey.name, col(filed.created_at) >= ApiKey.created_at))
        .group_by(col(ApiKey.id))
    )
    views = [
        KeyView(row.name, row.prefix, row.created_at, row.last_used_at, count, last)
        for row, count, last in (await s.exec(statement)).all()
    ]
    revoked = (
        select(filed.api_key_name, func.count(), func.max(filed.created_at))
        .outerjoin(ApiKey, ApiKey.name == filed.api_key_name)
        .where(or_(col(ApiKey.id).is_(None), col(filed.created_at) < ApiKey.created_at))
        .group_by(filed.api_key_name)
    )
    views += [KeyView(name, None, None, None, count, last) for name, count, last in (await s.exec(revoked)).all()]
    return sorted(views, key=lambda v: (v.name, v.revoked))


async def revoke_key(s: AsyncSession, *, name: str) -> KeyView:
    row = (await s.exec(select(ApiKey).where(ApiKey.name == name.strip()))).first()
    if row is None:
        raise ApiKeyError(f"No key named {name!r}. See: gridline apikey list")
    await s.delete(row)
    return _view(row)


async def check_key(s: AsyncSession, key: str | None, *, now: datetime) -> str | None:
    """The name of the client whose key this is (and its use recorded), or None."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = hash_key(key)
    row = (await s.exec(select(ApiKey).where(ApiKey.key_hash == digest))).first()
    if row is None or not hmac.compare_digest(row.key_hash, digest):
        return None
    row.last_used_at = now
    s.add(row)
    return row.name
