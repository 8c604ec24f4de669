"""督办 driven by `jobs run --now`: a due-soon reminder, a daily overdue alert and 超期上报, none of
them repeated by a rerun or across a restart of the bot."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import Settings
from bot.domain.enums import EventKind
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job
from bot.sandbox.botapi import FakeTelegram
from bot.triage.workdays import add_working_days, end_of_day
from storage.database import Database
from storage.models import Issue, IssueEvent
from tests.harness import Person, RunningBot, make_settings
from tests.test_core_loop import card_in_group, report
from tests.test_deputies import link_deputy
from tests.triage_helpers import TOWNSHIP_GROUP, VILLAGE_GROUP, WORKER_ID, bind, org_file, ref_of


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return make_settings(tmp_path, fake, demo_org_file=org_file(tmp_path))


async def _issue(settings: Settings, ref: str) -> tuple[Issue, list[EventKind]]:
    db = Database(settings.database_url)
    try:
        async with db.session() as s:
            issue = (await s.exec(select(Issue).where(Issue.ref == ref))).one()
            kinds = (
                await s.exec(
                    select(IssueEvent.kind).where(IssueEvent.issue_id == issue.id).order_by(col(IssueEvent.id))
                )
            ).all()
            return issue, list(kinds)
    finally:
        await db.dispose()


def _count(fake: FakeTelegram, chat_id: int, text: str) -> int:
    return sum(text in (m.get("text") or "") for m in fake.sent_messages(chat_id))


async def _run(running: RunningBot, name: str, now: datetime) -> str:
    assert running.app is not None
    return str(await run_job(catalogue()[name], running.app.services, now))


async def test_reminders_alerts_and_escalation(
    running: RunningBot, fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bind(fake, VILLAGE_GROUP, "GC01")
    await bind(fake, TOWNSHIP_GROUP, "GC")
    deputy = await link_deputy(running, fake)  # D001's constituency holds GC01
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(WORKER_ID, "王芳"), VILLAGE_GROUP)
    mark = fake.mark()
    ref = ref_of(await report(alice, text="河道里有人倾倒垃圾"))
    card = await card_in_group(fake, since=mark, chat_id=VILLAGE_GROUP)
    menu = await worker.press(card, "研判", expect="处置方式")
    deadlines = await worker.press(menu, "立即办理", expect="办理时限")
    people = await worker.press(deadlines, "1 个工作日", expect="责任人")
    mark = fake.mark()
    await worker.press(people, "我自己", expect="立即办理")
    await alice.screen("前办结", since=mark)
    issue, _ = await _issue(running.settings, ref)
    assert issue.deadline is not None
    tz = running.settings.tz
    deadline = issue.deadline.astimezone(tz)

    # Due soon: the evening before, to the group (as a reply to the card) and to the responsible person.
    mark = fake.mark()
    await _run(running, "due-soon", deadline - timedelta(hours=12))
    soon = await worker.screen(["即将到期", ref], since=mark)
    assert soon["reply_to_message"]["message_id"] == card["message_id"]
    await Person(fake, worker.user).screen(["即将到期", ref], since=mark)
    assert "0 messages" in await _run(running, "due-soon", deadline - timedelta(hours=6))

    # A restart between two runs repeats nothing (and neither does the catch-up run at start).
    await running.restart()
    assert "0 messages" in await _run(running, "due-soon", deadline - timedelta(hours=1))
    await asyncio.sleep(0.3)
    assert _count(fake, VILLAGE_GROUP, "即将到期") == 1 and _count(fake, WORKER_ID, "即将到期") == 1

    # Overdue: one alert a day, run here through the command line against the same database.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", running.settings.database_url)
    monkeypatch.setenv("TIMEZONE", running.settings.timezone)
    after = (deadline + timedelta(hours=1)).isoformat()
    mark = fake.mark()
    ran = await asyncio.to_thread(CliRunner().invoke, cli, ["jobs", "run", "overdue", "--now", after])
    assert ran.exit_code == 0 and ran.output.strip() == "overdue: 超期提醒：2 条消息", ran.output  # DEFAULT_LOCALE
    await worker.screen(["已超期", ref], since=mark, timeout=15)
    await deputy.screen(["选区诉求", ref, "已超期"], since=mark)  # the constituency's deputy, at once
    again = await asyncio.to_thread(CliRunner().invoke, cli, ["jobs", "run", "overdue", "--now", after])
    assert "超期提醒：0 条消息" in again.output
    assert "2 messages" in await _run(running, "overdue", deadline + timedelta(days=1, hours=2))
    await asyncio.sleep(0.3)
    assert _count(fake, deputy.chat_id, "已超期") == 1  # the deputy hears of a passed deadline once

    # Not yet beyond the 2-working-day grace: nothing; beyond it: 超期上报 to the township.
    two_days = end_of_day(add_working_days(deadline.date(), 2), tz) - timedelta(hours=1)
    assert "escalated 0" in await _run(running, "auto-escalate", two_days)
    mark = fake.mark()
    three_days = end_of_day(add_working_days(deadline.date(), 3), tz) - timedelta(hours=14)
    assert "escalated 1" in await _run(running, "auto-escalate", three_days)
    up = await card_in_group(fake, since=mark, headline="超期上报", chat_id=TOWNSHIP_GROUP)
    assert ref in up["text"]
    await alice.screen(["已上报至", "葛城街道"], since=mark)
    await worker.screen(["当前在：葛城街道"], since=mark)
    await deputy.screen(["选区诉求", ref, "超期上报"], since=mark)
    assert "escalated 0" in await _run(running, "auto-escalate", three_days)
    issue, kinds = await _issue(running.settings, ref)
    assert kinds.count(EventKind.AUTO_ESCALATED) == 1 and issue.deadline and issue.deadline > three_days

    # The 09:00 digest: once per group and day.
    mark = fake.mark()
    nine = datetime.combine(three_days.date(), datetime.min.time(), tzinfo=tz) + timedelta(hours=9, minutes=1)
    assert "digests: 2 groups" in await _run(running, "daily-digest", nine)
    digest = await Person(fake, worker.user, TOWNSHIP_GROUP).screen("每日督办", since=mark)
    assert "已超期：" in digest["text"]
    assert "digests: 0 groups" in await _run(running, "daily-digest", nine + timedelta(hours=2))


def test_jobs_list_shows_the_supervision_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    listed = CliRunner().invoke(cli, ["jobs", "list"])
    for name in ("due-soon", "overdue", "auto-escalate", "daily-digest"):
        assert name in listed.output
    assert "09:00" in listed.output
