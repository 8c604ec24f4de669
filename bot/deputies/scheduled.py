"""Deputies' scheduled messages: the duty-day reminders, the daily digest, the quarterly points.

Each job takes `now`, works out from the data what is due, and records every message (or a miss)
as a DeputySend row, unique per deputy, kind and period: a rerun, a catch-up run at start or a
manual `gridline jobs run` never sends anything twice.

The duty-day rule: the reminder for a month is due on the duty date at 08:30 (the eve one the day
before at 18:00) and may go out until the end of that day; a bot that comes back later records it
as missed instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deputies import calendar, service
from bot.deputies.notify import wants_digest
from bot.deputies.service import GridTree
from bot.domain.enums import NotifyMode
from bot.domain.lifecycle import OPEN
from bot.domain.notices import PersonalNote, Urgency
from bot.domain.overdue import overdue_now_clause
from bot.i18n import Line, Translate, line
from bot.jobs.occurrence import job_transaction
from bot.jobs.spec import JobSpec
from bot.text import html
from storage.models import Deputy, DeputySend, Grid, Issue, IssueNotice, Station, StationTheme, User

if TYPE_CHECKING:
    from bot.services import Services

DIGEST_AT = time(20, 0)
NEW_WINDOW = timedelta(days=30)
# A reminder whose day passed while the bot was down is recorded as missed if it was due this recently
# (far enough to cover a month boundary, not so far that a newly linked deputy gets old misses).
MISSED_LOOKBACK = timedelta(days=7)


@dataclass
class Roster:
    """The linked deputies, with what every message needs, loaded in a handful of queries."""

    deputies: list[tuple[Deputy, Station | None]]
    covered: dict[int, set[int]]  # deputy id → grid ids, expanded
    grid_names: dict[int, str]
    listed: dict[int, list[int]]  # deputy id → grid ids as listed (for the names)
    locales: dict[int, str | None]  # telegram user id → locale

    @classmethod
    async def load(cls, s: AsyncSession) -> Roster:
        query = (
            select(Deputy, Station)
            .outerjoin(Station, col(Station.id) == Deputy.station_id)
            .where(col(Deputy.telegram_user_id).is_not(None))
            .order_by(col(Deputy.id))
        )
        deputies = [(d, st) for d, st in (await s.exec(query)).all()]
        tree = GridTree(list((await s.exec(select(Grid).order_by(col(Grid.position)))).all()))
        constituencies = await service.constituencies(s)
        users = [d.telegram_user_id for d, _ in deputies]
        locales: dict[int, str | None] = {}
        for chunk in _chunks(users, 500):
            for user in (await s.exec(select(User).where(col(User.id).in_(chunk)))).all():
                locales[user.id] = user.locale
        covered = {deputy_id: tree.below(grids) for deputy_id, grids in constituencies.items()}
        return cls(deputies, covered, tree.name, {k: sorted(v) for k, v in constituencies.items()}, locales)

    def constituency(self, deputy_id: int) -> str:
        return "、".join(self.grid_names.get(g, "") for g in self.listed.get(deputy_id, []))


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _done(s: AsyncSession, kind: str, periods: Iterable[str]) -> set[tuple[int | None, str]]:
    query = select(DeputySend.deputy_id, DeputySend.period).where(
        DeputySend.kind == kind, col(DeputySend.period).in_(list(periods))
    )
    return {(d, p) for d, p in (await s.exec(query)).all()}


# -- the duty day ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    open: int = 0
    overdue: int = 0
    new: int = 0


async def _grid_counts(s: AsyncSession, now: datetime) -> dict[int, Counts]:
    """Open, overdue now (open and past the deadline: bot.domain.overdue) and new issues, per grid.

    Overdue is what the issue is now, not whether an overdue notice was ever recorded for it: one
    past its deadline counts before the overdue alert has noticed it, one given a new deadline since
    (escalated, sent back) or resolved no longer does."""
    open_q = select(Issue.grid_id, func.count()).where(col(Issue.status).in_(OPEN)).group_by(col(Issue.grid_id))
    new_q = (
        select(Issue.grid_id, func.count())
        .where(col(Issue.created_at) >= now - NEW_WINDOW)
        .group_by(col(Issue.grid_id))
    )
    overdue_q = select(Issue.grid_id, func.count()).where(overdue_now_clause(now)).group_by(col(Issue.grid_id))
    opened = dict((await s.exec(open_q)).all())
    new = dict((await s.exec(new_q)).all())
    overdue = dict((await s.exec(overdue_q)).all())
    return {g: Counts(opened.get(g, 0), overdue.get(g, 0), new.get(g, 0)) for g in {*opened, *new, *overdue}}


async def _reminders(services: Services, now: datetime, *, kind: str, at: time, lead_days: int) -> Line:
    settings = services.settings
    local = now.astimezone(settings.tz)
    today = local.date()
    sent = missed = 0
    queued_at = services.clock.now()  # `now` may be a time given by hand; what is queued is due at once
    async with job_transaction(services) as s:
        roster = await Roster.load(s)
        periods = {p for p, _ in calendar.reminder_dates(today, 1, 0)}
        done = await _done(s, kind, periods)
        counts = await _grid_counts(s, now) if kind == "duty-day" else {}
        themes = {
            (row.station_id, row.period): row.theme
            for row in (await s.exec(select(StationTheme).where(col(StationTheme.period).in_(periods)))).all()
        }
        records: list[dict] = []
        for deputy, station in roster.deputies:
            assert deputy.id is not None and deputy.telegram_user_id is not None
            day = service.duty_day(deputy, station, settings.deputy_duty_day)
            for period, due in calendar.reminder_dates(today, day, lead_days):
                if (deputy.id, period) in done or due > today or due < today - MISSED_LOOKBACK:
                    continue
                if due == today and local.time() < at:
                    continue  # later today
                status = "sent" if due == today else "missed"
                if status == "sent":
                    t = services.translator.bind(roster.locales.get(deputy.telegram_user_id))
                    text = _reminder_text(
                        t,
                        kind,
                        deputy,
                        roster,
                        counts,
                        (due + timedelta(days=lead_days)).isoformat(),
                        themes.get((deputy.station_id, period)),
                    )
                    await services.audience.notify(
                        s,
                        PersonalNote(
                            user_id=deputy.telegram_user_id,
                            text=text,
                            now=queued_at,
                            visit_button=kind == "duty-day",
                            locale=roster.locales.get(deputy.telegram_user_id),
                        ),
                    )
                    sent += 1
                else:
                    missed += 1
                records.append({"deputy_id": deputy.id, "kind": kind, "period": period, "status": status, "at": now})
        if records:
            await (await s.connection()).execute(insert(DeputySend), records)
    return line("job-reminders", sent=sent, missed=missed)


def _reminder_text(
    t: Translate, kind: str, deputy: Deputy, roster: Roster, counts: dict[int, Counts], date: str, theme: str | None
) -> str:
    assert deputy.id is not None
    args = {"name": html(deputy.name), "date": date, "constituency": html(roster.constituency(deputy.id))}
    if kind == "duty-eve":
        text = t("duty-eve-text", **args)
    else:
        grids = roster.covered.get(deputy.id, set())
        total = [counts.get(g, Counts()) for g in grids]
        text = t(
            "duty-day-text",
            **args,
            open=str(sum(c.open for c in total)),
            overdue=str(sum(c.overdue for c in total)),
            new=str(sum(c.new for c in total)),
        )
    if theme:
        text += "\n" + t("duty-theme", theme=html(theme))
    return text


async def duty_day(services: Services, now: datetime) -> Line:
    return await _reminders(services, now, kind="duty-day", at=services.settings.deputy_day_time, lead_days=0)


async def duty_eve(services: Services, now: datetime) -> Line:
    return await _reminders(services, now, kind="duty-eve", at=services.settings.deputy_eve_time, lead_days=1)


def _daily(at: time) -> dict[str, int]:
    return {"hour": at.hour, "minute": at.minute}


# -- the daily digest ------------------------------------------------------------------------------


async def digest(services: Services, now: datetime) -> Line:
    """One message a day with the constituency's notices not already pushed at once."""
    local = now.astimezone(services.settings.tz)
    if local.time() < DIGEST_AT:
        return line("job-deputy-digest-not-yet")
    period = local.date().isoformat()
    sent = 0
    queued_at = services.clock.now()
    async with job_transaction(services) as s:
        roster = await Roster.load(s)
        done = await _done(s, "digest", [period])
        last = dict(
            (
                await s.exec(
                    select(DeputySend.deputy_id, func.max(DeputySend.at))
                    .where(DeputySend.kind == "digest")
                    .group_by(col(DeputySend.deputy_id))
                )
            ).all()
        )
        since = now - timedelta(days=1)
        notices = list(
            (
                await s.exec(
                    select(IssueNotice)
                    .where(col(IssueNotice.at) > since - timedelta(days=6))
                    .order_by(col(IssueNotice.id))
                )
            ).all()
        )
        issues = (
            {
                i.id: i
                for i in (await s.exec(select(Issue).where(col(Issue.id).in_({n.issue_id for n in notices})))).all()
            }
            if notices
            else {}
        )
        for deputy, _ in roster.deputies:
            assert deputy.id is not None and deputy.telegram_user_id is not None
            if deputy.notify_mode in (NotifyMode.ALL, NotifyMode.OFF) or (deputy.id, period) in done:
                continue
            start = max(last.get(deputy.id) or since, since - timedelta(days=6))
            grids = roster.covered.get(deputy.id, set())
            latest: dict[int, IssueNotice] = {}
            for notice in notices:
                if (
                    notice.at > start
                    and notice.grid_id in grids
                    and wants_digest(deputy.notify_mode, Urgency(notice.kind))
                ):
                    latest[notice.issue_id] = notice
            status = "empty"
            if latest:
                t = services.translator.bind(roster.locales.get(deputy.telegram_user_id))
                lines = [t("digest-title", date=period, count=str(len(latest)))]
                for issue_id, notice in latest.items():
                    issue = issues[issue_id]
                    lines.append(
                        t(
                            "digest-item",
                            ref=issue.ref,
                            grid=html(roster.grid_names.get(issue.grid_id, "")),
                            what=t(f"dep-notice-{notice.kind}"),
                            status=t(f"status-{issue.status.value.replace('_', '-')}"),
                        )
                    )
                await services.audience.notify(
                    s, PersonalNote(user_id=deputy.telegram_user_id, text="\n".join(lines[:60]), now=queued_at)
                )
                status, sent = "sent", sent + 1
            s.add(DeputySend(deputy_id=deputy.id, kind="digest", period=period, status=status, at=now))
    return line("job-deputy-digest", sent=sent)


JOBS = [
    JobSpec(
        name="duty-eve",
        description="集中履职日: the eve reminder to deputies (default 18:00 the day before)",
        run=duty_eve,
        schedule=lambda settings: _daily(settings.deputy_eve_time),
    ),
    # Fires every day: which deputies are due depends on their own, their station's or the default day.
    JobSpec(
        name="duty-day",
        description="集中履职日: the morning reminder with the constituency's figures (default 08:30)",
        run=duty_day,
        schedule=lambda settings: _daily(settings.deputy_day_time),
    ),
    JobSpec(
        name="deputy-digest",
        description="The daily digest of constituency issues to deputies (20:00)",
        run=digest,
        schedule=_daily(DIGEST_AT),
    ),
]


# -- the quarterly points --------------------------------------------------------------------------

QUARTER_WINDOW_DAYS = 7  # a report not sent in the first week of the quarter is recorded as missed


async def quarterly(services: Services, now: datetime) -> Line:
    """On the first day of a quarter: each deputy's points of the quarter that ended, and the table
    for the administrators (as a message and an Excel file)."""
    from bot.deputies.points import DEFAULT_POINTS
    from bot.deputies.report import quarter_table, workbook

    settings = services.settings
    local = now.astimezone(settings.tz)
    year, quarter = calendar.previous_quarter(local.date())
    label = calendar.quarter_label(year, quarter)
    first_month = local.month in (1, 4, 7, 10)
    if not first_month:  # say what the records hold: a fresh database has reported nothing
        async with services.db.session() as s:
            recorded = (
                await s.exec(
                    select(DeputySend.status).where(
                        col(DeputySend.kind).in_(["quarter", "quarter-admin"]), DeputySend.period == label
                    )
                )
            ).all()
        if not recorded:
            return line("job-quarterly-none-sent", quarter=label)
        return line("job-quarterly-done", quarter=label, sent=recorded.count("sent"), missed=recorded.count("missed"))
    status = "sent" if local.day <= QUARTER_WINDOW_DAYS else "missed"
    sent = 0
    queued_at = services.clock.now()
    async with job_transaction(services) as s:
        rows = await quarter_table(s, year=year, quarter=quarter, tz=settings.tz)
        roster = await Roster.load(s)
        done = await _done(s, "quarter", [label])
        months = [f"{y}-{m:02d}" for y, m in calendar.quarter_months(year, quarter)]
        by_id = {row.deputy_id: row for row in rows}
        for deputy, _ in roster.deputies:
            assert deputy.id is not None and deputy.telegram_user_id is not None
            if (deputy.id, label) in done:
                continue
            if status == "sent":
                row = by_id[deputy.id]
                t = services.translator.bind(roster.locales.get(deputy.telegram_user_id))
                lines = "\n".join(
                    t("quarter-month", month=m, points=str(p)) for m, p in zip(months, row.months, strict=True)
                )
                text = t("quarter-deputy", quarter=label, name=html(deputy.name), total=str(row.total), months=lines)
                await services.audience.notify(
                    s, PersonalNote(user_id=deputy.telegram_user_id, text=text, now=queued_at)
                )
                sent += 1
            s.add(DeputySend(deputy_id=deputy.id, kind="quarter", period=label, status=status, at=now))
        admin_done = {
            r
            for r in (
                await s.exec(
                    select(DeputySend.recipient).where(DeputySend.kind == "quarter-admin", DeputySend.period == label)
                )
            ).all()
        }
        actions = sorted({*settings.deputy_points, *DEFAULT_POINTS})
        content = workbook(rows, year=year, quarter=quarter, actions=actions)
        t = services.translator.bind(None)
        for admin in sorted(settings.admin_ids - admin_done):
            if status == "sent":
                table = [t("quarter-admin-title", quarter=label, count=str(len(rows)))]
                table += [
                    t(
                        "quarter-admin-row",
                        rank=str(rank),
                        name=html(r.name),
                        station=html(r.station),
                        total=str(r.total),
                    )
                    for rank, r in enumerate(rows[:30], start=1)
                ]
                await services.audience.notify(
                    s,
                    PersonalNote(
                        user_id=admin,
                        text="\n".join(table),
                        now=queued_at,
                        file=(f"deputy-points-{label}.xlsx", content),
                        caption=t("quarter-admin-file", quarter=label),
                    ),
                )
            s.add(
                DeputySend(deputy_id=None, recipient=admin, kind="quarter-admin", period=label, status=status, at=now)
            )
    return line("job-quarterly-" + status, quarter=label, queued=sent)


JOBS.append(
    JobSpec(
        name="deputy-quarterly",
        description="履职积分: each deputy's quarter and the table for administrators (1st of Jan/Apr/Jul/Oct, 09:00)",
        run=quarterly,
        schedule={"month": "1,4,7,10", "day": 1, "hour": 9, "minute": 0},
    )
)
