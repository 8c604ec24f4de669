"""People who talk to the bot privately: their profile, language and remembered grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cachetools import LRUCache
from sqlalchemy import bindparam, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.models import User

_LOCALE = select(User.__table__.c.locale).where(User.__table__.c.id == bindparam("id"))  # type: ignore[attr-defined]


class TelegramUser(Protocol):
    """What we keep of a Telegram user (aiogram's User has these); no Telegram import here."""

    @property
    def id(self) -> int: ...
    @property
    def full_name(self) -> str: ...
    @property
    def username(self) -> str | None: ...


@dataclass(frozen=True)
class Profile:
    id: int
    full_name: str
    locale: str | None
    phone: str | None
    last_grid_id: int | None


async def touch(session: AsyncSession, *, user_id: int, full_name: str, username: str | None, now: datetime) -> User:
    """Create or refresh the user's row from what Telegram tells us."""
    user = await session.get(User, user_id)
    if user is None:
        user = User(id=user_id, full_name=full_name[:200], username=username, created_at=now)
    else:
        user.full_name, user.username = full_name[:200], username
    session.add(user)
    return user


class Citizens:
    """Profile access for handlers, with the locale cached: it is read on every update."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._locales: LRUCache[int, str | None] = LRUCache(maxsize=50_000)

    async def locale(self, user_id: int) -> str | None:
        if user_id not in self._locales:
            # Core on a bare connection: the first update of everyone who writes to the bot asks.
            async with self.db.engine.connect() as connection:
                self._locales[user_id] = (await connection.execute(_LOCALE, {"id": user_id})).scalar()
        return self._locales[user_id]

    async def set_locale(self, user_id: int, locale: str) -> None:
        async with self.db.transaction() as s:
            user = await s.get(User, user_id)
            if user is not None:
                user.locale = locale
                s.add(user)
        self._locales[user_id] = locale

    async def register(self, person: TelegramUser, *, now: datetime) -> Profile:
        """Create or refresh the profile of whoever just wrote to the bot."""
        async with self.db.transaction() as s:
            user = await touch(s, user_id=person.id, full_name=person.full_name, username=person.username, now=now)
            return Profile(user.id, user.full_name, user.locale, user.phone, user.last_grid_id)

    async def profile(self, user_id: int) -> Profile | None:
        async with self.db.session() as s:
            user = await s.get(User, user_id)
        return Profile(user.id, user.full_name, user.locale, user.phone, user.last_grid_id) if user else None
