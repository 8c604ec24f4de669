"""The updates long polling has taken and not yet seen handled, kept so a crash loses none.

Long polling confirms an update to Telegram by asking for the next ones; from then on only this table
knows it. An update is written here before it is confirmed and deleted (in a batch, with the next
write) once its handling has finished; after a crash the ones left are handled again, and the update
dedupe drops those that had in fact finished. Core statements on a bare connection: this runs for
every batch of updates, where the ORM's bookkeeping would cost more than the statements.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.database import Database
from storage.models import PendingUpdate

table = PendingUpdate.__table__  # type: ignore[attr-defined]


class Inbox:
    def __init__(self, db: Database) -> None:
        self.db = db
        insert = sqlite_insert if db.is_sqlite else pg_insert
        # Telegram may send a kept update again (the crash came before the offset moved past it).
        self._insert = insert(table).on_conflict_do_nothing(index_elements=["update_id"])

    async def pending(self) -> list[dict[str, Any]]:
        """The updates left by the last run, oldest first."""
        async with self.db.connect() as connection:
            return list((await connection.execute(select(table.c.raw).order_by(table.c.update_id))).scalars())

    async def keep(self, taken: list[dict[str, Any]], *, handled: Collection[int] = ()) -> None:
        """`taken` written, `handled` deleted, in one transaction."""
        if not taken and not handled:
            return
        async with self.db.begin() as connection:
            if handled:
                await connection.execute(delete(table).where(table.c.update_id.in_(handled)))
            if taken:
                await connection.execute(self._insert, [{"update_id": u["update_id"], "raw": u} for u in taken])
