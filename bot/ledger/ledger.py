"""What handlers and the CLI call for the 台账: pages, the Excel file, the chart. Reads only."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import access
from bot.access import NotAllowed
from bot.clock import Clock, local_text
from bot.domain.warnings import Light, Thresholds
from bot.followthrough.stats import LookbackFigures, lookback_figures
from bot.followup import sla
from bot.i18n import Translate, Translator
from bot.ledger import service as ledger
from bot.ledger import stats as stats_
from bot.organisation.service import grid_by_code
from bot.text import html
from bot.triage import service as triage
from storage.database import Database
from storage.models import GroupChat

EXPORT_CHUNK = 5000
CAPTION_LIMIT = 1024  # Telegram's limit for a photo's caption


class UnknownGrid(LookupError):
    pass


@dataclass(frozen=True)
class Chart:
    png: bytes
    title: str  # plain text, as drawn on the chart
    heading: str  # the same for an HTML message: the grid's name is an administrator's text
    units: list[stats_.UnitStats]
    lookback: list[LookbackFigures] = field(default_factory=list)  # 回访 answers per unit
    sla: str = ""  # the units' SLA figures as a message (bot.followup.sla, issue 18)

    def caption(self, t: Translate) -> str:
        """The title, and the 回访 figures of the units that have any."""
        answered = [f for f in self.lookback if f.answered]
        if not answered:
            return self.heading
        lines = [self.heading, t("stats-lookback-title")]
        lines += [
            t(
                "stats-lookback-unit",
                unit=html(f.name),
                solved=str(f.solved),
                not_solved=str(f.not_solved),
                unsure=str(f.unsure),
                rate=f"{f.solved_rate:.0%}" if f.solved_rate is not None else "-",
            )
            for f in answered
        ]
        return "\n".join(lines)[:CAPTION_LIMIT]


class Ledger:
    def __init__(
        self, *, db: Database, clock: Clock, tz: tzinfo, translator: Translator, thresholds: Thresholds | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.tz = tz
        self.translator = translator
        self.thresholds = thresholds  # 🟡 rows (issue 18)

    # -- /ledger -----------------------------------------------------------------------------

    async def group_page(
        self, *, chat_id: int, user_id: int, admins: frozenset[int], page: int, level: str | None = None
    ) -> ledger.LedgerPage | None:
        """A group's ledger, for people whose role covers the group; None where no grid is bound."""
        async with self.db.session() as s:
            scope = await ledger.scope_of_group(s, chat_id)
            if scope is None:
                return None
            await _check_group(s, chat_id, user_id, admins)
            return await ledger.ledger_page(s, scope, now=self.clock.now(), page=page, level=level)

    async def person_pages(
        self, *, user_id: int, admin: bool, page: int, level: str | None = None
    ) -> list[ledger.LedgerPage]:
        async with self.db.session() as s:
            now = self.clock.now()
            return [
                await ledger.ledger_page(s, scope, now=now, page=page, level=level)
                for scope in await ledger.scopes_of_person(s, user_id, admin=admin)
            ]

    def render(self, t: Translate, page: ledger.LedgerPage) -> str:
        now = self.clock.now()
        lines = [t("ledger-title", scope=html(page.scope.title), total=str(page.total), overdue=str(page.overdue))]
        if page.level:
            lines.append(t("ledger-filter", level=t(f"level-{page.level}")))
        if not page.rows:
            lines.append(t("ledger-empty"))
        for row in page.rows:
            key = "ledger-row-overdue" if row.overdue(now) else self._row_key(row, now)
            lines.append(
                t(
                    key,
                    ref=row.ref,
                    status=t(f"status-{row.status.value.replace('_', '-')}"),
                    deadline=local_text(row.deadline, self.tz) if row.deadline else t("ledger-no-deadline"),
                    unit=html(row.unit) + self._level_tag(t, row),
                    grid=html(row.grid),
                    category=html(row.category),
                    description=html(row.description[:40] + ("…" if len(row.description) > 40 else "")),
                )
            )
            if row.lookback:  # 回访: what the citizen said (a reopened issue: 没解决)
                answer = t(f"lookback-answer-{row.lookback.replace('_', '-')}")
                lines[-1] += "\n" + t("ledger-lookback", answer=answer)
        if page.total > page.page_size:
            pages = (page.total + page.page_size - 1) // page.page_size
            lines.append(t("ledger-page", page=str(page.page + 1), pages=str(pages)))
        return "\n".join(lines)

    @staticmethod
    def _level_tag(t: Translate, row: ledger.LedgerRow) -> str:
        """🟨 / 🟥 after the unit, at the end of the row's first line (issue 18)."""
        return "" if row.supervision_level == "normal" else " · " + t(f"ledger-level-{row.supervision_level}")

    def _row_key(self, row: ledger.LedgerRow, now: datetime) -> str:
        """🟡 once the row's time limit is 70 % used (red is the overdue row)."""
        if self.thresholds is None:
            return "ledger-row"
        started = row.deadline_set_at or row.created_at
        light = self.thresholds.of(status=row.status, deadline=row.deadline, started=started, now=now)
        return "ledger-row-yellow" if light == Light.YELLOW else "ledger-row"

    # -- export ------------------------------------------------------------------------------

    async def export(
        self, path: Path, *, grid_code: str | None = None, date_from: date | None = None, date_to: date | None = None
    ) -> int:
        """Write the workbook; dates are local and inclusive. Returns the number of issues."""
        async with self.db.session() as s:
            grid_ids = None
            if grid_code:
                grid = await grid_by_code(s, grid_code)
                if grid is None:
                    raise UnknownGrid(grid_code)
                grid_ids = await triage.subtree_ids(s, grid.id)
        start = self._midnight(date_from) if date_from else None
        end = self._midnight(date_to + timedelta(days=1)) if date_to else None
        from bot.ledger.export import LedgerWriter  # xlsxwriter only when exporting

        writer = await asyncio.to_thread(
            LedgerWriter, path, t=self.translator.bind(None), tz=self.tz, now=self.clock.now()
        )
        after: int | None = None
        writing: asyncio.Future[None] | None = None
        try:
            while True:
                async with self.db.session() as s:
                    chunk = await ledger.export_chunk(
                        s, grid_ids=grid_ids, created_from=start, created_to=end, after=after, limit=EXPORT_CHUNK
                    )
                if writing is not None:
                    await writing
                if not chunk:
                    break
                # The next chunk is read while a thread writes this one; the bot goes on answering.
                writing = asyncio.ensure_future(asyncio.to_thread(writer.add, chunk))
                after = chunk[-1].id
        finally:
            if writing is not None and not writing.done():
                await asyncio.gather(writing, return_exceptions=True)
            count = await asyncio.to_thread(writer.close)
        return count

    # -- /stats ------------------------------------------------------------------------------

    async def chart(self, *, chat_id: int | None, user_id: int, admins: frozenset[int], days: int = 30) -> Chart | None:
        """The chart of a group's units, or of the whole county (chat_id None: an administrator)."""
        now = self.clock.now()
        start = self._midnight(now.astimezone(self.tz).date() - timedelta(days=days - 1))
        async with self.db.session() as s:
            if chat_id is None:
                if user_id not in admins:
                    raise NotAllowed(f"user {user_id} may not see the county's chart")
                roots = await ledger.scopes_of_person(s, 0, admin=True)
                grid_id = roots[0].grid_ids[0] if roots else None
            else:
                group = await s.get(GroupChat, chat_id)
                grid_id = group.grid_id if group else None
                if grid_id is not None:
                    await _check_group(s, chat_id, user_id, admins)
            if grid_id is None:
                return None
            name = await triage.grid_name(s, grid_id)
            below = await stats_.units_below(s, grid_id)
            end = now + timedelta(seconds=1)
            units = [await stats_.unit_stats(s, unit, start=start, end=end, now=now) for unit in below]
            lookback = [await lookback_figures(s, unit, start=start, end=end) for unit in below]
            sla_units = [await sla.unit_figures(s, unit, start=start, end=end) for unit in below]
        t = self.translator.bind(None)
        period = {"start": start.date().isoformat(), "end": now.astimezone(self.tz).date().isoformat()}
        title = t("stats-title", scope=name, **period)
        from bot.ledger import chart  # matplotlib only when drawing

        png, _figure = await asyncio.to_thread(chart.draw, t, units, title=title)
        return Chart(
            png,
            title,
            t("stats-title", scope=html(name), **period),
            units,
            lookback,
            sla=sla.render(t, scope=name, units=sla_units, **period),
        )

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=self.tz)


async def _check_group(s: AsyncSession, chat_id: int, user_id: int, admins: frozenset[int]) -> None:
    if not await access.may_work_in_group(s, user_id=user_id, chat_id=chat_id, admins=admins):
        raise NotAllowed(f"user {user_id} holds no role in chat {chat_id}")
