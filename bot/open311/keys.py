"""API keys for filing requests (`gridline apikey ...`). A key is 256 random bits, shown once;
only its SHA-256 is stored. A slow hash (scrypt) guards guessable passwords; a key this long
cannot be guessed, so a fast hash loses nothing and keeps every POST cheap."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Explained
from storage.models import ApiKey, Open311Submission

KEY_PREFIX = "gl311_"
SHOWN = 10  # characters of a key `gridline apikey list` shows
MAX_NAME = 64


class ApiKeyError(Explained, ValueError):
    """A key command that cannot be done: the message says why."""


@dataclass(frozen=True)
class KeyView:
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    requests: int = 0  # filed with it
    last_request_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class Client:
    """Whose valid key a request carried."""

    key_id: int
    name: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


async def create_key(s: AsyncSession, *, name: str, now: datetime) -> str:
    """A new key for `name` (a client such as "12345"): returned once, stored hashed."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ApiKeyError(key="cli-apikey-bad-name", most=str(MAX_NAME))
    taken = (await s.exec(select(ApiKey).where(ApiKey.name == name))).first()
    if taken is not None:
        raise ApiKeyError(key="cli-apikey-name-kept" if taken.revoked_at else "cli-apikey-taken", name=repr(name))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    s.add(ApiKey(name=name, key_hash=hash_key(key), prefix=key[:SHOWN], created_at=now))
    return key


async def list_keys(s: AsyncSession) -> list[KeyView]:
    """Every key, revoked ones included, with the requests filed with it."""
    filed = Open311Submission
    statement = (
        select(ApiKey, func.count(col(filed.issue_id)), func.max(filed.created_at))
        .outerjoin(filed, col(filed.api_key_id) == ApiKey.id)
        .group_by(col(ApiKey.id))
        .order_by(col(ApiKey.name))
    )
    return [
        KeyView(row.name, row.prefix, row.created_at, row.last_used_at, row.revoked_at, count, last)
        for row, count, last in (await s.exec(statement)).all()
    ]


async def revoke_key(s: AsyncSession, *, name: str, now: datetime) -> None:
    row = (await s.exec(select(ApiKey).where(ApiKey.name == name.strip()))).first()
    if row is None:
        raise ApiKeyError(key="cli-apikey-unknown", name=repr(name))
    if row.revoked_at is not None:
        raise ApiKeyError(key="cli-apikey-revoked-already", name=repr(row.name))
    row.revoked_at = now
    s.add(row)


async def check_key(s: AsyncSession, key: str | None, *, now: datetime) -> Client | None:
    """The client whose key this is (and its use recorded), or None: unknown or revoked."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = hash_key(key)
    row = (await s.exec(select(ApiKey).where(ApiKey.key_hash == digest))).first()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest):
        return None
    assert row.id is not None
    row.last_used_at = now
    s.add(row)
    return Client(row.id, row.name)
