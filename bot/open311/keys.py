"""API keys for filing requests (`gridline apikey ...`). A key is 256 random bits, shown once;
only its SHA-256 is stored. A slow hash (scrypt) guards guessable passwords; a key this long
cannot be guessed, so a fast hash loses nothing and keeps every POST cheap."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import Explained
from storage.models import ApiKey

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


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _view(row: ApiKey) -> KeyView:
    return KeyView(row.name, row.prefix, row.created_at, row.last_used_at)


async def create_key(s: AsyncSession, *, name: str, now: datetime) -> str:
    """A new key for `name` (a client such as "12345"): returned once, stored hashed."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ApiKeyError(key="cli-apikey-bad-name", most=str(MAX_NAME))
    if (await s.exec(select(ApiKey).where(ApiKey.name == name))).first() is not None:
        raise ApiKeyError(key="cli-apikey-taken", name=repr(name))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    s.add(ApiKey(name=name, key_hash=hash_key(key), prefix=key[:SHOWN], created_at=now))
    return key


async def list_keys(s: AsyncSession) -> list[KeyView]:
    return [_view(row) for row in (await s.exec(select(ApiKey).order_by(col(ApiKey.name)))).all()]


async def revoke_key(s: AsyncSession, *, name: str) -> KeyView:
    row = (await s.exec(select(ApiKey).where(ApiKey.name == name.strip()))).first()
    if row is None:
        raise ApiKeyError(key="cli-apikey-unknown", name=repr(name))
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
