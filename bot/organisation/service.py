"""Queries and the import of the organisation file."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from cachetools import TTLCache
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.enums import GridLevel
from bot.organisation.schema import OrganisationFile
from storage.database import Database, forget_lasting, lasting
from storage.models import Category, Department, Grid, Staff

T = TypeVar("T")


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
        if dept.chat_id is not None:  # keep a group bound with /binddept
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
    forget_lasting(session)  # this process sees its own import at once (another one: within a minute)
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


async def children(session: AsyncSession, parent_id: int | None, level: GridLevel) -> list[GridView]:
    query = select(Grid).where(Grid.level == level).order_by(col(Grid.position))
    if parent_id is not None:
        query = query.where(Grid.parent_id == parent_id)
    return [_grid_view(g) for g in (await session.exec(query)).all()]


async def grid_path(session: AsyncSession, grid_id: int) -> list[GridView]:
    """The grid and its ancestors, county first: used for "城口县 / 葛城街道 / 南大街社区"."""
    known = lasting(session, "grid_path")
    path: list[GridView] | None = known.get(grid_id)
    if path is None:
        path = []
        current = await session.get(Grid, grid_id)
        while current is not None:
            path.insert(0, _grid_view(current))
            current = await session.get(Grid, current.parent_id) if current.parent_id else None
        known[grid_id] = path
    return list(path)


async def categories(session: AsyncSession) -> list[CategoryView]:
    rows = (await session.exec(select(Category).order_by(col(Category.position)))).all()
    return [_category_view(c) for c in rows]


async def category_by_id(session: AsyncSession, category_id: int) -> CategoryView | None:
    known = lasting(session, "category")
    view: CategoryView | None = known.get(category_id)
    if view is None:
        category = await session.get(Category, category_id)
        view = _category_view(category) if category else None
        if view is not None:
            known[category_id] = view
    return view


class Directory:
    """Read-only look-ups for handlers. The organisation rarely changes, so answers are kept for
    a minute: an import made with the CLI while the bot runs shows up without a restart."""

    def __init__(self, db: Database, *, ttl: float = 60) -> None:
        self.db = db
        self._cache: TTLCache[tuple, object] = TTLCache(maxsize=10_000, ttl=ttl)
        self._loading: dict[tuple, asyncio.Future[Any]] = {}  # answers being read: asked once
        self._generation = 0  # counts forget()s

    def forget(self) -> None:
        """Call after an import."""
        self._cache.clear()
        self._loading.clear()
        self._generation += 1

    async def _cached(self, key: tuple, load: Callable[[AsyncSession], Awaitable[T]]) -> T:
        if key in self._cache:
            return self._cache[key]  # type: ignore[return-value]
        # Many citizens at the same step miss together (at start, and when the answer expires):
        # one query answers them all.
        loading = self._loading.get(key)
        if loading is None:
            loading = self._loading[key] = asyncio.ensure_future(self._load(key, load))
            loading.add_done_callback(lambda done: self._loading.pop(key) if self._loading.get(key) is done else None)
        return await asyncio.shield(loading)  # type: ignore[no-any-return]

    async def _load(self, key: tuple, load: Callable[[AsyncSession], Awaitable[T]]) -> T:
        generation = self._generation
        async with self.db.session() as s:
            value = await load(s)
        if generation == self._generation:  # not read before an import it would hide
            self._cache[key] = value
        return value

    async def townships(self) -> list[GridView]:
        return await self._cached(("townships",), lambda s: children(s, None, GridLevel.TOWNSHIP))

    async def villages(self, township_id: int) -> list[GridView]:
        return await self._cached(("villages", township_id), lambda s: children(s, township_id, GridLevel.VILLAGE))

    async def grid(self, grid_id: int) -> GridView | None:
        return await self._cached(("grid", grid_id), lambda s: grid_by_id(s, grid_id))

    async def grid_by_code(self, code: str) -> GridView | None:
        return await self._cached(("code", code), lambda s: grid_by_code(s, code))

    async def path_names(self, grid_id: int) -> str:
        path = await self._cached(("path", grid_id), lambda s: grid_path(s, grid_id))
        return " / ".join(g.name for g in path)

    async def categories(self) -> list[CategoryView]:
        return await self._cached(("categories",), categories)

    async def category(self, category_id: int) -> CategoryView | None:
        return next((c for c in await self.categories() if c.id == category_id), None)
