"""Queries, the import of the organisation file, and the one cache of the organisation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import GridLevel
from bot.organisation.schema import OrganisationFile
from storage.database import Database
from storage.models import Category, Department, Grid, Staff


@dataclass(frozen=True)
class GridView:
    id: int
    code: str
    name: str
    level: GridLevel
    parent_id: int | None


@dataclass(frozen=True)
class CategoryView:
    id: int
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class ImportSummary:
    grids: int
    categories: int
    staff: int
    stations: int = 0
    deputies: int = 0


def _grid_view(grid: Grid) -> GridView:
    assert grid.id is not None
    return GridView(grid.id, grid.code, grid.name, grid.level, grid.parent_id)


def _category_view(category: Category) -> CategoryView:
    assert category.id is not None
    return CategoryView(category.id, category.code, category.name, category.description)


async def import_organisation(session: AsyncSession, org: OrganisationFile) -> ImportSummary:
    """Insert or update by code, so importing the same file twice changes nothing."""
    by_code = {g.code: g for g in (await session.exec(select(Grid))).all()}
    position = 0
    for root in org.grids:
        for spec, parent in root.walk():
            position += 1
            grid = by_code.get(spec.code) or Grid(code=spec.code, name=spec.name, level=spec.level)
            grid.name, grid.level, grid.position = spec.name, spec.level, position
            grid.parent_id = by_code[parent.code].id if parent else None
            session.add(grid)
            await session.flush()
            by_code[spec.code] = grid

    categories = {c.code: c for c in (await session.exec(select(Category))).all()}
    for index, spec in enumerate(org.categories):
        category = categories.get(spec.code) or Category(code=spec.code, name=spec.name)
        category.name, category.description, category.position = spec.name, spec.description, index
        category.default_deadline_days = spec.deadline_days
        session.add(category)

    departments = {d.code: d for d in (await session.exec(select(Department))).all()}
    for index, dept in enumerate(org.departments):
        grid_id = by_code[dept.grid].id
        assert grid_id is not None
        row = departments.get(dept.code) or Department(code=dept.code, name=dept.name, grid_id=grid_id)
        row.name, row.grid_id, row.position = dept.name, grid_id, index  # liaisons: by invitation
        # The file binds a department's group only while it has none: one bound since (/binddept,
        # or a supergroup upgrade that changed its id) is not moved back by re-importing an old file.
        if dept.chat_id is not None and row.chat_id is None:
            row.chat_id = dept.chat_id
        session.add(row)

    staff_rows = {(s.name, s.grid_id): s for s in (await session.exec(select(Staff))).all()}
    for spec in org.staff:
        grid_id = by_code[spec.grid].id
        assert grid_id is not None
        person = staff_rows.get((spec.name, grid_id)) or Staff(name=spec.name, grid_id=grid_id)
        person.role, person.phone = spec.role, spec.phone  # the account: by invitation
        session.add(person)
    from bot.deputies.registry import import_deputies  # deputies live in their own module

    await import_deputies(session, org, {code: grid.id for code, grid in by_code.items() if grid.id is not None})
    organisation_cache(session).forget()  # this process sees its own import at once (another: within a minute)
    return ImportSummary(
        grids=sum(len(root.walk()) for root in org.grids),
        categories=len(org.categories),
        staff=len(org.staff),
        stations=len(org.stations),
        deputies=len(org.deputies),
    )


async def has_organisation(session: AsyncSession) -> bool:
    return bool((await session.exec(select(func.count()).select_from(Grid))).one())


async def grid_by_code(session: AsyncSession, code: str) -> GridView | None:
    grid = (await session.exec(select(Grid).where(Grid.code == code.strip()))).first()
    return _grid_view(grid) if grid else None


async def grid_by_id(session: AsyncSession, grid_id: int) -> GridView | None:
    grid = await session.get(Grid, grid_id)
    return _grid_view(grid) if grid else None


async def grid_path(session: AsyncSession, grid_id: int) -> list[GridView]:
    """The grid and its ancestors, county first: used for "城口县 / 葛城街道 / 南大街社区"."""
    return (await organisation_cache(session).read(session)).path(grid_id)


async def categories(session: AsyncSession) -> list[CategoryView]:
    rows = (await session.exec(select(Category).order_by(col(Category.position)))).all()
    return [_category_view(c) for c in rows]


async def category_by_id(session: AsyncSession, category_id: int) -> CategoryView | None:
    return (await organisation_cache(session).read(session)).category(category_id)


# -- the organisation cache ---------------------------------------------------------------------------

ORGANISATION_SECONDS = 60.0


class Organisation:
    """The grid tree and the service list as read at one moment: every look-up a dictionary's."""

    def __init__(self, grids: Iterable[GridView], categories: Iterable[CategoryView]) -> None:
        self._grids: dict[int, GridView] = {}
        self._by_code: dict[str, GridView] = {}
        self._children: dict[tuple[int | None, GridLevel], list[GridView]] = {}
        self._levels: dict[GridLevel, list[GridView]] = {}
        for grid in grids:  # in their order
            self._grids[grid.id] = grid
            self._by_code[grid.code] = grid
            self._children.setdefault((grid.parent_id, grid.level), []).append(grid)
            self._levels.setdefault(grid.level, []).append(grid)
        self._categories = tuple(categories)
        self._category_ids = {c.id: c for c in self._categories}

    def grid(self, grid_id: int) -> GridView | None:
        return self._grids.get(grid_id)

    def grid_by_code(self, code: str) -> GridView | None:
        return self._by_code.get(code.strip())

    def children(self, parent_id: int | None, level: GridLevel) -> list[GridView]:
        """The grids of this level under this parent (None: under any), in the file's order."""
        return list(self._levels.get(level, ()) if parent_id is None else self._children.get((parent_id, level), ()))

    def path(self, grid_id: int) -> list[GridView]:
        path: list[GridView] = []
        current = self._grids.get(grid_id)
        while current is not None:
            path.insert(0, current)
            current = self._grids.get(current.parent_id) if current.parent_id else None
        return path

    def categories(self) -> list[CategoryView]:
        return list(self._categories)

    def category(self, category_id: int) -> CategoryView | None:
        return self._category_ids.get(category_id)


async def read_organisation(session: AsyncSession) -> Organisation:
    grids = (await session.exec(select(Grid).order_by(col(Grid.position), col(Grid.id)))).all()
    return Organisation([_grid_view(g) for g in grids], await categories(session))


class OrganisationCache:
    """The organisation as last read, for a minute: the one cache of it (one per database). It
    changes only with `gridline import` (and the import at a first start): an import in this
    process forgets it at once, one made by the CLI while the bot runs shows up within the minute.
    The report walk's screens, each new issue's card, push and buttons, the access checks and the
    deputies' constituencies all read the grid path and the categories from it."""

    def __init__(self, ttl: float = ORGANISATION_SECONDS, timer: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.timer = timer
        self._kept: Organisation | None = None
        self._expires = 0.0
        self._loading: asyncio.Future[Organisation] | None = None  # a read for the Directory under way
        self._generation = 0  # counts forget()s

    def forget(self) -> None:
        """After an import."""
        self._kept, self._loading = None, None
        self._generation += 1

    def _fresh(self) -> Organisation | None:
        return self._kept if self._kept is not None and self.timer() < self._expires else None

    def _keep(self, organisation: Organisation, generation: int) -> None:
        if generation == self._generation:  # not read before an import it would hide
            self._kept, self._expires = organisation, self.timer() + self.ttl

    async def read(self, session: AsyncSession) -> Organisation:
        """With the caller's session: its unit of work may hold SQLite's one connection."""
        kept = self._fresh()
        if kept is None:
            generation = self._generation
            kept = await read_organisation(session)
            self._keep(kept, generation)
        return kept

    async def shared_read(self, db: Database) -> Organisation:
        """With a session of its own; many citizens at the same step miss together (at start, and
        when the minute is over): one read answers them all."""
        kept = self._fresh()
        if kept is not None:
            return kept
        loading = self._loading
        if loading is None:
            loading = self._loading = asyncio.ensure_future(self._read_alone(db))
            loading.add_done_callback(self._read_done)
        return await asyncio.shield(loading)

    def _read_done(self, done: asyncio.Future[Organisation]) -> None:
        if self._loading is done:
            self._loading = None

    async def _read_alone(self, db: Database) -> Organisation:
        generation = self._generation
        async with db.session() as s:
            organisation = await read_organisation(s)
        self._keep(organisation, generation)
        return organisation


_CACHES: WeakKeyDictionary[Engine, OrganisationCache] = WeakKeyDictionary()


def organisation_cache(where: AsyncSession | Database) -> OrganisationCache:
    """The organisation cache of the database this session (or Database) works on."""
    engine = where.engine if isinstance(where, Database) else where.bind
    sync_engine: Engine = engine.sync_engine  # type: ignore[union-attr]
    cache = _CACHES.get(sync_engine)
    if cache is None:
        cache = _CACHES[sync_engine] = OrganisationCache()
    return cache


class Directory:
    """Read-only look-ups for handlers, answered from the organisation cache."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.cache = organisation_cache(db)

    def forget(self) -> None:
        """Call after an import."""
        self.cache.forget()

    async def _organisation(self) -> Organisation:
        return await self.cache.shared_read(self.db)

    async def townships(self) -> list[GridView]:
        return (await self._organisation()).children(None, GridLevel.TOWNSHIP)

    async def villages(self, township_id: int) -> list[GridView]:
        return (await self._organisation()).children(township_id, GridLevel.VILLAGE)

    async def grid(self, grid_id: int) -> GridView | None:
        return (await self._organisation()).grid(grid_id)

    async def grid_by_code(self, code: str) -> GridView | None:
        return (await self._organisation()).grid_by_code(code)

    async def path_names(self, grid_id: int) -> str:
        return " / ".join(g.name for g in (await self._organisation()).path(grid_id))

    async def categories(self) -> list[CategoryView]:
        return (await self._organisation()).categories()

    async def category(self, category_id: int) -> CategoryView | None:
        return (await self._organisation()).category(category_id)
