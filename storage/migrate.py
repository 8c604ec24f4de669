"""Schema migrations: Alembic, its scripts shipped in the package (storage/migrations/versions).

- A fresh, empty database is made from the models at once and stamped at the head revision.
- Every other start checks the database is at the head: one that is behind (an older Gridline
  made it) is refused with SchemaOutOfDate, saying to run `gridline db upgrade`.
- `gridline db upgrade` brings any earlier database to the head. A database made before Gridline
  had migrations (by create_all, no alembic_version table) is first stamped with the revision its
  tables show (PRE_ALEMBIC), then upgraded.

Alembic's commands are synchronous: they run on the async engine's connection through run_sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command, op
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlmodel import SQLModel

from bot.i18n import Explained
from storage import models  # noqa: F401 - registers the tables on SQLModel.metadata

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
SCHEMA_LOCK = 0x6772_6964  # "grid": the advisory lock held while the schema is made or changed


class SchemaOutOfDate(Explained):
    """The database's schema is not the one this Gridline needs (one line, for the operator: cli-schema-*)."""


def config(connection: Connection | None = None) -> Config:
    settings = Config()
    settings.set_main_option("script_location", str(MIGRATIONS))
    settings.attributes["connection"] = connection
    return settings


@cache  # the scripts do not change while the process runs; every start asks
def head() -> str:
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _has_tables(connection: Connection) -> bool:
    return bool(set(inspect(connection).get_table_names()) - {VERSION_TABLE})


def pre_alembic_revision(connection: Connection) -> str:
    """The revision a database made by create_all before migrations existed is at: the first
    migration's schema, then each later one whose mark its tables bear (they came in this order)."""
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    outbox = {column["name"] for column in inspector.get_columns("outboxmessage")}
    revision = "0001"
    for later, present in (
        ("0002", "channel" in outbox),
        ("0003", "wecomrobot" in tables),
        ("0004", "jobrun" in tables and "claimed_by" in outbox),
    ):
        if not present:
            break
        revision = later
    return revision


def lock(connection: Connection) -> None:
    """Instances starting together on an empty PostgreSQL database make (or check) it one after
    the other, until the end of the transaction. SQLite has one writer anyway."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})


def ensure_current(connection: Connection) -> None:
    """At start: create an empty database at the head; refuse one that is not at the head."""
    found = current(connection)
    wanted = head()
    if found == wanted:
        return
    if found is None and not _has_tables(connection):
        SQLModel.metadata.create_all(connection)
        command.stamp(config(connection), wanted)
        return
    if found is None:
        raise SchemaOutOfDate(key="cli-schema-before-migrations")
    if ScriptDirectory.from_config(config()).get_revision(found) is None:
        raise SchemaOutOfDate(key="cli-schema-newer", found=found, wanted=wanted)
    raise SchemaOutOfDate(key="cli-schema-behind", found=found, wanted=wanted)


def upgrade(connection: Connection, target: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to `target` (the head); (revision before, revision after)."""
    before = current(connection)
    settings = config(connection)
    if before is None and _has_tables(connection):
        before = pre_alembic_revision(connection)
        command.stamp(settings, before)
    command.upgrade(settings, target)
    return before, current(connection)


def revision(connection: Connection, message: str) -> str:
    """Write the next migration: what autogenerate finds between the models and this database (at
    the head). Numbered in sequence; read it and adjust it (enum members, data) before committing."""
    number = f"{int(head()) + 1:04d}"
    slug = "_".join(message.lower().split())[:40]
    command.revision(config(connection), message=message, autogenerate=True, rev_id=number)
    written = next((MIGRATIONS / "versions").glob(f"{number}_*.py"))
    return str(written.rename(written.with_name(f"{number}_{slug}.py")))


def add_enum_values(type_name: str, names: Sequence[str], *, columns: Sequence[tuple[str, str]], length: int) -> None:
    """In a migration: new members of a model's enum, e.g.
    add_enum_values("linkkind", ["NEW_KIND"], columns=[("messagelink", "kind"), ...], length=16).

    PostgreSQL stores an enum as a type of its own whose labels are the members' names: they are
    added to it. SQLite stores the name as text in a VARCHAR as long as the longest name: the
    `columns` of that enum (table, column) get the new `length` (the table is copied, batch mode)."""
    if op.get_bind().dialect.name == "postgresql":
        for name in names:
            op.execute(text(f"ALTER TYPE {type_name} ADD VALUE IF NOT EXISTS '{name}'"))
        return
    for table, column in columns:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(length=length))
