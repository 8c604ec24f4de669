"""The organisation cache: the grid tree and the service list read once a minute for the report
walk's screens, the cards and the access checks, forgotten at an import."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.issues.service import holding_group
from bot.organisation import service
from bot.organisation.groups import Groups
from bot.organisation.schema import OrganisationFile
from bot.organisation.service import (
    ORGANISATION_SECONDS,
    Directory,
    Organisation,
    category_by_id,
    grid_path,
    import_organisation,
    organisation_cache,
)
from storage.database import Database
from storage.models import Category, Department, Grid

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-county.yaml"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'org.db'}")
    await database.create_all()
    async with database.transaction() as s:
        await import_organisation(s, OrganisationFile.load(DEMO))
    yield database
    await database.dispose()


@pytest.fixture
def clock(db: Database) -> Clock:
    clock = Clock()
    organisation_cache(db).timer = clock
    return clock


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


async def _rename(db: Database, code: str, name: str) -> None:
    """A change made behind the cache's back, as by another process."""
    async with db.transaction() as s:
        await s.exec(update(Grid).where(Grid.code == code).values(name=name))  # type: ignore[call-overload]


async def test_one_read_answers_the_handlers_and_the_units_of_work(db: Database, clock: Clock) -> None:
    directory = Directory(db)
    seen = _statements(db)
    assert [g.name for g in await directory.townships()] == ["葛城街道", "修齐镇"]
    township = await directory.grid_by_code("GC")
    assert township is not None
    assert [g.code for g in await directory.villages(township.id)] == ["GC01", "GC02"]
    village = await directory.grid_by_code(" GC01 ")
    assert village is not None and await directory.path_names(village.id) == "城口县 / 葛城街道 / 南大街社区"
    names = [c.name for c in await directory.categories()]
    assert names[:2] == ["矛盾纠纷", "环境卫生"]
    async with db.transaction() as s:
        assert [g.code for g in await grid_path(s, village.id)] == ["CK", "GC", "GC01"]
        category = await category_by_id(s, (await directory.categories())[1].id)
        assert category is not None and category.name == "环境卫生"
        assert await grid_path(s, 10_000) == [] and await category_by_id(s, 10_000) is None
    assert len([sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]) == 2  # grids, categories


async def test_answers_are_copies(db: Database, clock: Clock) -> None:
    directory = Directory(db)
    (await directory.townships()).clear()
    (await directory.categories()).clear()
    async with db.session() as s:
        (await grid_path(s, 3)).clear()
    assert len(await directory.townships()) == 2 and len(await directory.categories()) == 10
    async with db.session() as s:
        assert len(await grid_path(s, 3)) == 3


async def test_many_at_once_share_one_read(db: Database, clock: Clock) -> None:
    directory = Directory(db)
    seen = _statements(db)
    answers = await asyncio.gather(*(directory.townships() for _ in range(50)))
    assert all([g.code for g in answer] == ["GC", "XQ"] for answer in answers)
    assert len(seen) == 2


async def test_an_import_in_this_process_is_seen_at_once(db: Database, clock: Clock, tmp_path: Path) -> None:
    directory = Directory(db)
    village = await directory.grid_by_code("GC01")
    assert village is not None and (await directory.category(1)) is not None
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        DEMO.read_text(encoding="utf-8").replace("南大街社区", "南大街新社区").replace("矛盾纠纷", "纠纷调解"),
        encoding="utf-8",
    )
    async with db.transaction() as s:
        await import_organisation(s, OrganisationFile.load(changed))
    assert await directory.path_names(village.id) == "城口县 / 葛城街道 / 南大街新社区"
    async with db.session() as s:
        assert [g.name for g in await grid_path(s, village.id)][-1] == "南大街新社区"
        category = await category_by_id(s, 1)
        assert category is not None and category.name == "纠纷调解"


async def test_an_import_by_the_cli_shows_within_the_minute(
    db: Database, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = Directory(db)
    village = await directory.grid_by_code("GC01")
    assert village is not None and await directory.path_names(village.id) == "城口县 / 葛城街道 / 南大街社区"
    changed = tmp_path / "changed.yaml"
    changed.write_text(DEMO.read_text(encoding="utf-8").replace("南大街社区", "南大街新社区"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'org.db'}")
    imported = await asyncio.to_thread(CliRunner().invoke, cli, ["import", str(changed)])
    assert imported.exit_code == 0, imported.output

    clock.now += ORGANISATION_SECONDS - 1
    assert await directory.path_names(village.id) == "城口县 / 葛城街道 / 南大街社区"  # kept for the minute
    clock.now += 1
    assert await directory.path_names(village.id) == "城口县 / 葛城街道 / 南大街新社区"
    async with db.session() as s:
        assert [g.name for g in await grid_path(s, village.id)][-1] == "南大街新社区"


async def test_a_unit_of_work_holding_the_one_connection_reads_it_itself(db: Database, clock: Clock) -> None:
    directory = Directory(db)
    await _rename(db, "GC", "葛城新街道")  # nothing cached yet
    async with db.transaction() as s:
        await s.exec(update(Category).values(description="x"))  # type: ignore[call-overload]  # holds SQLite's lock
        path = await asyncio.wait_for(grid_path(s, 3), 5)
    assert [g.name for g in path] == ["城口县", "葛城新街道", "南大街社区"]
    assert await directory.path_names(3) == "城口县 / 葛城新街道 / 南大街社区"  # what it read is kept


async def test_a_read_older_than_an_import_is_not_kept(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    read, go_on = asyncio.Event(), asyncio.Event()
    real = service.read_organisation

    async def slow(session: AsyncSession) -> Organisation:
        organisation = await real(session)
        read.set()
        await go_on.wait()
        return organisation

    monkeypatch.setattr(service, "read_organisation", slow)
    directory = Directory(db)
    first = asyncio.ensure_future(directory.townships())
    await read.wait()
    directory.forget()  # an import commits meanwhile
    go_on.set()
    assert len(await first) == 2  # the answer it asked for, read before the import
    monkeypatch.setattr(service, "read_organisation", real)
    seen = _statements(db)
    await directory.townships()
    assert len(seen) == 2  # read again


async def test_each_database_has_its_own(tmp_path: Path) -> None:
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    await other.create_all()
    try:
        async with other.session() as s:
            assert await grid_path(s, 3) == []  # no organisation there
        async with other.transaction() as s:
            await import_organisation(s, OrganisationFile.load(DEMO))
        async with other.session() as s:
            assert len(await grid_path(s, 3)) == 3
    finally:
        await other.dispose()


async def test_a_group_bound_or_unbound_is_seen_at_once(db: Database, clock: Clock) -> None:
    """Bindings are not part of the cached organisation: the holding group is asked for each time."""
    groups, directory = Groups(db), Directory(db)
    village = await directory.grid_by_code("GC01")  # the organisation is cached from here on
    assert village is not None

    async def holder() -> int | None:
        async with db.session() as s:
            group = await holding_group(s, grid_id=village.id)
            return group.chat_id if group else None

    assert await holder() is None
    await groups.bind(chat_id=-100300, title="葛城街道", grid_code="GC", admin_id=1, now=NOW)
    assert await holder() == -100300  # the township's group, for want of the village's own
    await groups.bind(chat_id=-100200, title="南大街社区", grid_code="GC01", admin_id=1, now=NOW)
    assert await holder() == -100200
    assert await groups.unbind(chat_id=-100200)
    assert await holder() == -100300


async def test_a_reimport_does_not_move_a_department_back_to_an_old_group(db: Database, tmp_path: Path) -> None:
    """The file's chat_id binds a department once; a group bound since (a supergroup upgrade gave it a
    new id, or /binddept) stays when the same old file is imported again."""
    with_group = tmp_path / "with-group.yaml"
    with_group.write_text(
        DEMO.read_text(encoding="utf-8").replace("grid: GC}", "grid: GC, chat_id: -4001}", 1),
        encoding="utf-8",
    )
    async with db.transaction() as s:
        await import_organisation(s, OrganisationFile.load(with_group))
    async with db.transaction() as s:
        dept = (await s.exec(select(Department).where(Department.code == "GC-CG"))).one()
        assert dept.chat_id == -4001  # bound by the file
        dept.chat_id = -1004001  # the group was upgraded to a supergroup
        s.add(dept)
    async with db.transaction() as s:
        await import_organisation(s, OrganisationFile.load(with_group))
    async with db.session() as s:
        assert (await s.exec(select(Department.chat_id).where(Department.code == "GC-CG"))).one() == -1004001
