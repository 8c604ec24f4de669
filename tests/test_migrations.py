"""Schema migrations (storage/migrations): a database at the first migration, filled with a row in
every column of every table, is upgraded to the head with every row intact; a database made before
migrations is recognised and upgraded; `gridline run` refuses a database that is behind; and the
models and the migrations agree (autogenerate finds nothing), enum labels on PostgreSQL included."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, BigInteger, Boolean, Connection, DateTime, Enum, Float, Integer, MetaData, String, text
from sqlmodel import SQLModel, select

from bot.app import prepare_database
from bot.config import Settings
from bot.sandbox.botapi import FakeTelegram
from bot.services import Services
from storage import migrate
from storage.database import Database
from storage.models import Grid, OutboxMessage
from tests.conftest import postgres_database

FIRST = "0001"
WHEN = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


@asynccontextmanager
async def _database(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "postgresql":
        async with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'migrate.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with _database(request.param, tmp_path) as url:
        yield url


async def on(url: str, work: Any) -> Any:
    """Run a synchronous function on a connection of the database, in a transaction."""
    db = Database(url)
    try:
        async with db.begin() as connection:
            return await connection.run_sync(work)
    finally:
        await db.dispose()


def _upgrade_to(revision: str):  # type: ignore[no-untyped-def]
    return lambda connection: command.upgrade(migrate.config(connection), revision)


# -- a row in every column of every table ---------------------------------------------------------


def _value(column: Any, n: int) -> Any:
    """A value of the column's type for row n (1 or 2); a foreign key points at row n of its table."""
    model = SQLModel.metadata.tables.get(column.table.name)
    modelled = model.c.get(column.name) if model is not None else None
    if modelled is not None and isinstance(modelled.type, Enum):
        return modelled.type.enums[n % len(modelled.type.enums)]
    if column.foreign_keys:
        return n
    kind = column.type
    if isinstance(kind, Boolean):
        return n == 1
    if isinstance(kind, BigInteger):
        return 7_000_000_000 + n  # beyond 32 bits, as Telegram ids are
    if isinstance(kind, Integer):
        return n
    if isinstance(kind, Float):
        return 30.5 + n
    if isinstance(kind, DateTime):
        return WHEN.replace(day=n)
    if isinstance(kind, JSON):
        return {"text": f"第{n}条", "ids": [n, -n]}
    if isinstance(kind, String):
        value = f"{n}{column.name}网格"
        return value[: kind.length] if kind.length else value
    raise AssertionError(f"no sample value for {column.table.name}.{column.name}: {kind!r}")


def fill(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Two rows in every table (in foreign-key order), every column set; what each table holds."""
    schema = MetaData()
    schema.reflect(connection)
    tables = [t for t in schema.sorted_tables if t.name != migrate.VERSION_TABLE]
    for table in tables:
        rows = [{c.name: _value(c, n) for c in table.columns} for n in (1, 2)]
        if table.name == "grid":
            rows[0]["parent_id"] = None
            rows[1]["parent_id"] = 1
        if table.name == "wecomrobot":  # a grid's robot, and a department's
            rows[0]["department_id"] = rows[1]["grid_id"] = None
        connection.execute(table.insert(), rows)
    return contents(connection, {t.name: [c.name for c in t.columns] for t in tables})


def contents(connection: Connection, columns: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    schema = MetaData()
    schema.reflect(connection, only=list(columns))
    found = {}
    for name, names in columns.items():
        table = schema.tables[name]
        query = table.select().with_only_columns(*(table.c[c] for c in names)).order_by(*table.primary_key.columns)
        found[name] = [tuple(_comparable(v) for v in row) for row in connection.execute(query)]
    return found


def _comparable(value: Any) -> Any:
    # SQLite hands back naive datetimes and JSON as text: compare what was stored.
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


async def test_a_database_at_the_first_migration_keeps_every_row_through_the_upgrade(url: str) -> None:
    await on(url, _upgrade_to(FIRST))
    before = await on(url, fill)
    assert len(before) >= 28 and all(len(rows) == 2 for rows in before.values())

    with pytest.raises(migrate.SchemaOutOfDate, match="gridline db upgrade"):
        await on(url, migrate.ensure_current)  # what `gridline run` meets
    db = Database(url)
    try:
        assert await db.upgrade() == (FIRST, migrate.head())
        assert await db.upgrade() == (migrate.head(), migrate.head())  # a second time: nothing to do
        await db.create_all()  # at the head now: the bot starts
        async with db.session() as s:
            outbox = (await s.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    finally:
        await db.dispose()

    after = await on(url, lambda connection: contents(connection, {t: _columns(connection, t) for t in before}))
    for table, rows in before.items():
        assert [row[: len(rows[0])] for row in after[table]] == rows, table
    # The queued messages are Telegram's, and free for any sender to take.
    assert [(m.chat_id, m.channel, m.claimed_by, m.params) for m in outbox] == [
        (7_000_000_001, "telegram", None, {"text": "第1条", "ids": [1, -1]}),
        (7_000_000_002, "telegram", None, {"text": "第2条", "ids": [2, -2]}),
    ]


async def test_open311_requests_are_linked_to_the_key_that_filed_them(url: str) -> None:
    """0009: a request points at its key by id; one whose key was deleted (revoked before) keeps its name only."""
    await on(url, _upgrade_to("0008"))
    await on(url, fill)
    await on(
        url,
        lambda c: c.execute(
            text(
                "UPDATE open311submission SET api_key_name = (SELECT name FROM apikey WHERE id = 2) WHERE issue_id = 1"
            )
        ),
    )
    await on(url, _upgrade_to("0009"))
    linked = await on(
        url,
        lambda c: c.execute(text("SELECT issue_id, api_key_id FROM open311submission ORDER BY issue_id")).all(),
    )
    assert [tuple(row) for row in linked] == [(1, 2), (2, None)]


def _columns(connection: Connection, table: str) -> list[str]:
    """The table's columns as the first migration made them, in that order (new ones come after)."""
    schema = MetaData()
    schema.reflect(connection, only=[table])
    return [c.name for c in schema.tables[table].columns]


@pytest.mark.parametrize("made_at", ["0001", "0002", "0003"])
async def test_a_database_made_before_migrations_is_recognised_and_upgraded(tmp_path: Path, made_at: str) -> None:
    """create_all of the older versions made what the migrations up to `made_at` make, without
    the version table (0002: the start-up bridge had added the outbox's channel)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    await on(url, _upgrade_to(made_at))
    await on(url, lambda connection: connection.execute(text("DROP TABLE alembic_version")))
    before = await on(url, fill)
    with pytest.raises(migrate.SchemaOutOfDate, match="made before Gridline had migrations"):
        await on(url, migrate.ensure_current)
    assert await on(url, migrate.pre_alembic_revision) == made_at
    db = Database(url)
    try:
        assert await db.upgrade() == (made_at, migrate.head())
    finally:
        await db.dispose()
    after = await on(url, lambda connection: contents(connection, {t: _columns(connection, t) for t in before}))
    for table, rows in before.items():
        assert [row[: len(rows[0])] for row in after[table]] == rows, table


async def test_an_empty_database_is_made_at_the_head_at_start(url: str) -> None:
    db = Database(url)
    try:
        await db.create_all()
        await db.create_all()
        async with db.connect() as connection:
            assert await connection.run_sync(migrate.current) == migrate.head()
    finally:
        await db.dispose()


async def test_instances_starting_together_on_an_empty_database_make_it_once(url: str) -> None:
    """Three instances start at once on an empty database: it is made, and the demo county loaded, once."""
    settings = Settings(_env_file=None, database_url=url)
    instances = [Services.build(settings) for _ in range(3)]
    try:
        await asyncio.gather(*(prepare_database(services) for services in instances))
        async with instances[0].db.connect() as connection:
            assert await connection.run_sync(migrate.current) == migrate.head()
        async with instances[0].db.session() as s:
            codes = list((await s.exec(select(Grid.code))).all())
    finally:
        for services in instances:
            await services.db.dispose()
    assert len(codes) == len(set(codes)) == 7  # the demo county: 1 county, 2 townships, 4 villages


# -- the command line -----------------------------------------------------------------------------


async def _gridline(
    *args: str, database_url: str, tmp_path: Path, api_base: str = "http://127.0.0.1:9", locale: str | None = "en"
) -> tuple[int, str, str]:
    gridline = Path(sys.executable).with_name("gridline")
    env = {**os.environ, "BOT_TOKEN": "123456:TEST", "DATABASE_URL": database_url, "TELEGRAM_API_BASE": api_base}
    env.pop("DEFAULT_LOCALE", None)
    if locale:  # en: the tests match the English texts
        env["DEFAULT_LOCALE"] = locale
    process = await asyncio.create_subprocess_exec(
        str(gridline), *args, env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_gridline_run_refuses_a_database_behind_and_db_upgrade_brings_it_to_the_head(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    await on(url, _upgrade_to("0002"))
    # The Bot API answers (`gridline run` asks it first): what stops the start is the schema.
    code, out, err = await _gridline("run", database_url=url, tmp_path=tmp_path, api_base=fake.base_url)
    assert code == 1
    # After the start-up log, one line and no traceback.
    assert err.strip().splitlines()[-1] == (
        f"The database's schema is 0002, this Gridline needs {migrate.head()}: run `gridline db upgrade` first."
    )
    assert "Traceback" not in err and "Error" not in err
    code, _, err = await _gridline("jobs", "run", "outbox-prune", database_url=url, tmp_path=tmp_path)
    assert code == 1 and err.strip().splitlines()[-1].endswith("run `gridline db upgrade` first.")
    assert "Traceback" not in err
    code, out, err = await _gridline("db", "upgrade", database_url=url, tmp_path=tmp_path)
    assert code == 0, err
    assert f"Upgraded the database from 0002 to {migrate.head()}." in out
    code, out, _ = await _gridline("db", "current", database_url=url, tmp_path=tmp_path)
    assert out.strip() == f"database: {migrate.head()}; this Gridline: {migrate.head()}"


async def test_a_database_behind_is_reported_in_chinese_by_default(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    await on(url, _upgrade_to("0002"))
    code, _, err = await _gridline("jobs", "run", "outbox-prune", database_url=url, tmp_path=tmp_path, locale=None)
    assert code == 1 and "Traceback" not in err, err
    assert err.strip().splitlines() == [
        f"数据库结构为 0002，本版 Gridline 需要 {migrate.head()}：请先运行 `gridline db upgrade`。"
    ]
    code, out, err = await _gridline("db", "upgrade", database_url=url, tmp_path=tmp_path, locale=None)
    assert code == 0, err
    assert out.strip() == f"已将数据库从 0002 升级到 {migrate.head()}。"


# -- the models and the migrations agree ----------------------------------------------------------


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True, "render_as_batch": True}
    )
    return compare_metadata(context, SQLModel.metadata)


def _enum_labels(connection: Connection) -> dict[str, list[str]]:
    rows = connection.execute(
        text(
            "SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
            " ORDER BY t.typname, e.enumsortorder"
        )
    )
    labels: dict[str, list[str]] = {}
    for name, label in rows:
        labels.setdefault(name, []).append(label)
    return labels


async def test_the_models_and_the_migrations_agree(url: str) -> None:
    db = Database(url)
    try:
        await db.upgrade()  # an empty database, made by the migrations alone
        async with db.connect() as connection:
            assert await connection.run_sync(_differences) == []
            if not db.is_sqlite:
                # Alembic does not compare enum labels: PostgreSQL keeps them in a type of its own,
                # and a member added to a model's enum needs storage.migrate.add_enum_values.
                wanted = {
                    column.type.name: list(column.type.enums)
                    for table in SQLModel.metadata.tables.values()
                    for column in table.columns
                    if isinstance(column.type, Enum)
                }
                assert await connection.run_sync(_enum_labels) == wanted
    finally:
        await db.dispose()


async def test_the_migrations_go_down_to_nothing_and_up_again(url: str) -> None:
    await on(url, _upgrade_to("head"))
    await on(url, lambda connection: command.downgrade(migrate.config(connection), "base"))
    assert await on(url, lambda connection: migrate._has_tables(connection)) is False
    if url.startswith("postgresql"):
        assert await on(url, _enum_labels) == {}
    db = Database(url)
    try:
        assert await db.upgrade() == (None, migrate.head())
    finally:
        await db.dispose()
