"""The monthly duty day (集中履职日) under a controlled clock: the APScheduler schedule, the eve and
morning reminders, exactly-once across restarts, the catch-up rule, per-station days."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import col, select, update

from bot.app import prepare_database
from bot.config import Settings
from bot.domain.lifecycle import IssueStatus
from bot.domain.notices import Urgency
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import build_scheduler, run_job, start_scheduler, trigger
from bot.services import Services
from storage.models import Category, Deputy, DeputySend, Grid, Issue, IssueNotice, OutboxMessage

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = 9000
# Deputies of the demo county and their days: D001 the default 10th, D002 its own 12th,
# D003 and D004 the 15th of their station (修齐镇).
USERS = {"D001": 7001, "D002": 7002, "D003": 7003, "D004": 7004}


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def make(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'duty.db'}", admin_ids=frozenset({ADMIN}))


async def build(settings: Settings) -> Services:
    services = Services.build(settings)
    await prepare_database(services)
    return services


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    services = await build(make(tmp_path))
    async with services.db.transaction() as s:
        for code, user_id in USERS.items():
            await s.exec(update(Deputy).where(col(Deputy.code) == code).values(telegram_user_id=user_id))
    try:
        yield services
    finally:
        await services.db.dispose()


async def messages(services: Services, chat_id: int | None = None) -> list[str]:
    async with services.db.session() as s:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        return [row.params.get("text", "") for row in (await s.exec(query)).all()]


async def run_at(services: Services, name: str, moment: datetime) -> str:
    """Run a job the way the scheduler does, with the wall clock moved to `moment`."""
    with time_machine.travel(moment, tick=False):
        return str(await run_job(catalogue()[name], services))


def test_the_schedule_fires_at_0830_and_1800_shanghai(tmp_path: Path) -> None:
    services = Services.build(make(tmp_path))
    day = trigger(catalogue()["duty-day"], services)
    eve = trigger(catalogue()["duty-eve"], services)
    assert day.get_next_fire_time(None, at(9, 9)) == at(10, 8, 30)
    assert day.get_next_fire_time(None, at(10, 8, 30) + timedelta(seconds=1)) == at(11, 8, 30)
    assert eve.get_next_fire_time(None, at(9, 9)) == at(9, 18)
    assert at(10, 8, 30).astimezone(ZoneInfo("UTC")).hour == 0  # 08:30 in Shanghai, not on the host's clock


async def test_reminder_on_the_10th_only_and_station_day_15(services: Services) -> None:
    sent_on: dict[int, list[int]] = {user: [] for user in USERS.values()}
    for day in range(1, 32):
        before = {user: len(await messages(services, user)) for user in USERS.values()}
        await run_at(services, "duty-day", at(day, 8, 30))
        for user in USERS.values():
            if len(await messages(services, user)) > before[user]:
                sent_on[user].append(day)
    assert sent_on == {7001: [10], 7002: [12], 7003: [15], 7004: [15]}
    text = (await messages(services, 7001))[0]
    assert "今天（2026-12-10）是集中履职日" in text and "南大街社区、东大街社区" in text and "办理中 0 件" in text


async def test_the_overdue_figure_is_open_issues_past_their_deadline_now(services: Services) -> None:
    """Overdue on the duty day is what an issue is now (bot.domain.overdue), not whether an overdue
    notice was ever recorded for it."""
    morning = at(10, 8, 30)
    async with services.db.transaction() as s:
        grid = (await s.exec(select(Grid).where(Grid.name == "南大街社区"))).one()
        category = (await s.exec(select(Category))).first()
        assert grid.id is not None and category is not None

        def issue(ref: str, status: IssueStatus, deadline: datetime, resolved: datetime | None = None) -> Issue:
            return Issue(
                ref=ref,
                citizen_id=1,
                grid_id=grid.id,
                holder_grid_id=grid.id,
                category_id=category.id,
                description="路灯坏了",
                status=status,
                deadline=deadline,
                resolved_at=resolved,
                created_at=at(1, 9),
                updated_at=at(1, 9),
            )

        issues = [
            issue("GL-D-0001", IssueStatus.IN_PROGRESS, at(9, 12)),  # past its deadline, not yet alerted
            issue("GL-D-0002", IssueStatus.RESOLVED, at(5, 12), resolved=at(8, 12)),  # alerted, resolved since
            issue("GL-D-0003", IssueStatus.RECEIVED, at(14, 12)),  # alerted, escalated since with a new deadline
            issue("GL-D-0004", IssueStatus.IN_PROGRESS, morning),  # due this very moment: not yet overdue
            issue("GL-D-0005", IssueStatus.REOPENED, at(9, 12), resolved=at(8, 12)),  # resolved in time, rejected
        ]
        s.add_all(issues)
        await s.flush()
        for notified in issues[1:3]:
            assert notified.id is not None
            s.add(IssueNotice(issue_id=notified.id, grid_id=grid.id, kind=Urgency.OVERDUE.value, at=at(6, 9)))
    await run_at(services, "duty-day", morning)
    text = (await messages(services, 7001))[0]
    assert "办理中 4 件，超期 2 件，近一个月新增 5 件" in text, text


async def test_not_before_0830(services: Services) -> None:
    assert "queued 0" in await run_at(services, "duty-day", at(10, 8, 29))
    assert "queued 1" in await run_at(services, "duty-day", at(10, 8, 30))


async def test_eve_reminder(services: Services) -> None:
    assert "queued 0" in await run_at(services, "duty-eve", at(9, 17, 59))
    await run_at(services, "duty-eve", at(9, 18))
    eve = await messages(services, 7001)
    assert len(eve) == 1 and "明天（2026-12-10）是集中履职日" in eve[0]
    await run_at(services, "duty-eve", at(9, 23, 59))
    assert len(await messages(services, 7001)) == 1


async def test_theme_of_the_month(services: Services) -> None:
    with time_machine.travel(at(1, 9), tick=False):
        assert (
            await services.deputies.set_theme(station_code="S-GC", period="2026-12", theme="冬季防火", admin_id=ADMIN)
            == "葛城街道人大代表联络站"
        )
    await run_at(services, "duty-day", at(10, 8, 30))
    assert "本月主题：冬季防火" in (await messages(services, 7001))[0]


async def test_restart_after_sending_does_not_resend(services: Services, tmp_path: Path) -> None:
    await run_at(services, "duty-day", at(10, 8, 30))
    restarted = await build(services.settings)  # a new process on the same database
    try:
        assert "queued 0" in await run_at(restarted, "duty-day", at(10, 9, 0))
    finally:
        await restarted.db.dispose()
    assert len(await messages(services, 7001)) == 1


async def _start_bot_at(services: Services, moment: datetime) -> None:
    """Start the real scheduler at `moment`: its catch-up runs make up for the downtime."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

    expected = {f"{spec.name}:catch-up" for spec in catalogue().values() if spec.catch_up}
    finished: set[str] = set()
    all_done = asyncio.Event()

    def listener(event: object) -> None:
        finished.add(event.job_id)
        if expected <= finished:
            all_done.set()

    with time_machine.travel(moment, tick=True):
        scheduler = build_scheduler(services)
        scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        start_scheduler(scheduler, services)
        try:
            await asyncio.wait_for(all_done.wait(), timeout=20)
        finally:
            scheduler.shutdown(wait=False)


async def _sends(services: Services, kind: str) -> list[tuple[int | None, str, str]]:
    async with services.db.session() as s:
        rows = (await s.exec(select(DeputySend).where(DeputySend.kind == kind))).all()
    return sorted((r.deputy_id, r.period, r.status) for r in rows if r.period == "2026-12")


async def test_down_at_0830_back_at_1100_sends_once(services: Services) -> None:
    await _start_bot_at(services, at(10, 11))
    assert len(await messages(services, 7001)) == 1
    await _start_bot_at(services, at(10, 11, 30))  # and once more: still one
    assert len(await messages(services, 7001)) == 1
    assert [status for _, _, status in await _sends(services, "duty-day")] == ["sent"]


async def test_back_the_next_day_records_missed(services: Services) -> None:
    await _start_bot_at(services, at(11, 11))
    assert await messages(services, 7001) == []
    sends = await _sends(services, "duty-day")
    assert [status for _, _, status in sends] == ["missed"]


def test_duty_dates_clamp_to_the_month() -> None:
    from bot.deputies.calendar import duty_date, reminder_dates

    assert duty_date(2027, 2, 31) == date(2027, 2, 28)
    assert ("2027-01", date(2026, 12, 31)) in reminder_dates(date(2026, 12, 31), 1, 1)


async def test_quarterly_points_on_the_first_day_of_the_quarter(services: Services) -> None:
    import base64
    import io

    from openpyxl import load_workbook

    from bot.deputies.points import PointAction
    from bot.deputies.service import add_points

    spec = catalogue()["deputy-quarterly"]
    assert trigger(spec, services).get_next_fire_time(None, at(15, 12)) == datetime(2027, 1, 1, 9, tzinfo=SHANGHAI)
    async with services.db.transaction() as s:
        d1 = (await s.exec(select(Deputy).where(Deputy.code == "D001"))).one()
        for moment, action, points in [
            (at(10, 12, month=10), PointAction.VISIT, 5),
            (at(10, 12, month=11), PointAction.VISIT, 5),
            (at(3, 12, month=12), PointAction.REPLY, 1),
            (at(30, 12, month=9), PointAction.VISIT, 5),
        ]:  # Q3: not counted
            add_points(s, deputy_id=d1.id, action=action.value, points=points, now=moment)

    assert "nothing due" in await run_at(services, "deputy-quarterly", at(15, 9))
    assert "queued 4 summaries" in await run_at(services, "deputy-quarterly", datetime(2027, 1, 1, 9, tzinfo=SHANGHAI))
    assert "queued 0" in await run_at(services, "deputy-quarterly", datetime(2027, 1, 2, 9, tzinfo=SHANGHAI))
    summary = await messages(services, 7001)
    assert len(summary) == 1 and "2026Q4" in summary[0] and "11 分" in summary[0] and "2026-11：5 分" in summary[0]
    async with services.db.session() as s:
        sent = (await s.exec(select(OutboxMessage).where(OutboxMessage.chat_id == ADMIN))).all()
    assert [m.method for m in sent] == ["sendMessage", "sendDocument"]
    assert "1. 张建国（葛城街道人大代表联络站）11 分" in sent[0].params["text"]
    sheet = load_workbook(io.BytesIO(base64.b64decode(sent[1].params["document"]["upload"]))).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:9] == ("排名", "代码", "代表", "层级", "联络站", "2026-10", "2026-11", "2026-12", "合计")
    assert table[1][:9] == (1, "D001", "张建国", "县", "葛城街道人大代表联络站", 5, 5, 1, 11)
    assert len(table) == 5


async def test_reminder_times_are_configurable(tmp_path: Path) -> None:
    from datetime import time

    settings = make(tmp_path).model_copy(update={"deputy_day_time": time(9, 15), "deputy_eve_time": time(19, 0)})
    services = Services.build(settings)
    assert trigger(catalogue()["duty-day"], services).get_next_fire_time(None, at(9, 9)) == at(9, 9, 15)
    assert trigger(catalogue()["duty-eve"], services).get_next_fire_time(None, at(9, 9)) == at(9, 19)
