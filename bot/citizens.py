"""People who talk to the bot privately: their profile, language and remembered grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cachetools import LRUCache
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.database import Database
from storage.models import User

_USERS = User.__table__  # type: ignore[attr-defined]
_LOCALE = select(_USERS.c.locale).where(_USERS.c.id == bindparam("id"))


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


class Citizens:
    """Profile access for handlers, with the locale cached: it is read on every update."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._locales: LRUCache[int, str | None] = LRUCache(maxsize=50_000)
        insert = (sqlite_insert if db.is_sqlite else pg_insert)(_USERS)
        self._register = insert.on_conflict_do_update(
            index_elements=["id"], set_={"full_name": insert.excluded.full_name, "username": insert.excluded.username}
        ).returning(*(_USERS.c[name] for name in Profile.__dataclass_fields__))

    async def locale(self, user_id: int) -> str | None:
        if user_id not in self._locales:
            # Core on a bare connection: the first update of everyone who writes to the bot asks.
            async with self.db.connect() as connection:
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
        """Create or refresh the profile of whoever just wrote to the bot (the name and username
        Telegram reports now). One Core statement on a bare connection: it runs at every /start
        and every new report."""
        values = {"id": person.id, "full_name": person.full_name[:200], "username": person.username, "created_at": now}
        async with self.db.begin() as connection:
            row = (await connection.execute(self._register, values)).one()
        return Profile(*row)

    async def profile(self, user_id: int) -> Profile | None:
        async with self.db.session() as s:
            user = await s.get(User, user_id)
        return Profile(user.id, user.full_name, user.locale, user.phone, user.last_grid_id) if user else None
