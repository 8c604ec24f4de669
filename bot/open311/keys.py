"""API keys of Open311 clients. A key is 32 random bytes: its SHA-256 is enough to store it (no
slow hash is needed against guessing a key of that strength), and finds it in one look-up."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ApiKey

KEY_PREFIX = "gl311_"


class ApiKeyRefused(ValueError):
    """A name taken or unknown: the message says which."""


@dataclass(frozen=True)
class KeyView:
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def digest(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()


async def create_key(s: AsyncSession, *, name: str, now: datetime) -> str:
    """A new key for client `name`; the only time the key itself exists outside the client."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ApiKeyRefused("A key needs a name of 1 to 100 characters.")
    if (await s.exec(select(ApiKey).where(ApiKey.name == name))).first() is not None:
        raise ApiKeyRefused(f"A key named {name!r} exists already: revoke it first, or pick another name.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    s.add(ApiKey(name=name, key_hash=digest(key), prefix=key[: len(KEY_PREFIX) + 4], created_at=now))
    return key


async def client_of(s: AsyncSession, key: str | None) -> str | None:
    """The name of the client holding this key, if it is valid and not revoked."""
    if not key:
        return None
    found = (await s.exec(select(ApiKey).where(ApiKey.key_hash == digest(key)))).first()
    return found.name if found is not None and found.revoked_at is None else None


async def revoke_key(s: AsyncSession, *, name: str, now: datetime) -> None:
    found = (await s.exec(select(ApiKey).where(ApiKey.name == name.strip()))).first()
    if found is None or found.revoked_at is not None:
        raise ApiKeyRefused(f"No valid key named {name!r}.")
    found.revoked_at = now
    s.add(found)


async def list_keys(s: AsyncSession) -> list[KeyView]:
    rows = (await s.exec(select(ApiKey).order_by(col(ApiKey.name)))).all()
    return [KeyView(r.name, r.prefix, r.created_at, r.revoked_at) for r in rows]
