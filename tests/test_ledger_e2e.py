"""The 台账 end to end: /ledger with overdue first and paging, /export and `gridline export ledger`
opened with openpyxl, and /stats as a chart drawn with the CJK font."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import Settings
from bot.domain.enums import Disposition
from bot.domain.lifecycle import IssueStatus, Rating
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job
from bot.sandbox.botapi import FakeTelegram
from storage.database import Database
from storage.models import Category, Grid, Issue
from tests.harness import ADMIN_ID, Person, RunningBot, labels, make_settings
from tests.triage_helpers import TOWNSHIP_GROUP, VILLAGE_GROUP, WORKER_ID, bind, org_file

HEADER = [
    "编号",
    "受理时间",
    "网格",
    "类别",
    "诉求内容",
    "研判结果",
    "责任单位",
    "责任人",
    "办理时限",
    "办理状态",
    "办结时间",
    "是否超期",
    "满意度",
    "回访结果",
    "响应时间",
    "重办时间",
    "办结评价时间",
    "督办等级",
]


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return make_settings(tmp_path, fake, demo_org_file=org_file(tmp_path))


async def seed(settings: Settings, *, count: int) -> None:
    """Issues straight into the database (the report conversation has tests of its own)."""
    db = Database(settings.database_url)
    now = datetime.now(UTC)
    try:
        async with db.transaction() as s:
            grids = {g.code: g.id for g in (await s.exec(select(Grid))).all()}
            category = (await s.exec(select(Category).where(Category.code == "environment"))).one()
            for n in range(count):
                grid = grids["GC01"] if n % 2 == 0 else grids["GC02"]
                issue = Issue(
                    ref=f"GL-2611-{n + 1:04d}",
                    citizen_id=1001,
                    grid_id=grid,
                    holder_grid_id=grid,
                    category_id=category.id,
                    description=f"第{n + 1}件：" + "路面积水很深，" * (4 if n == 0 else 1),
                    created_at=now - timedelta(days=3, hours=n),
                    updated_at=now,
                    status=IssueStatus.IN_PROGRESS,
                    disposition=Disposition.HANDLE,
                    assignee_name="王芳",
                    deadline=now + timedelta(days=n - 1, hours=1),
                )
                if n == count - 1:  # one resolved late and rated
                    issue.status, issue.resolved_at, issue.rating = IssueStatus.CLOSED, now, Rating.BASIC
                    issue.deadline = now - timedelta(days=2)
                s.add(issue)
    finally:
        await db.dispose()


async def test_ledger_pages_overdue_first(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, VILLAGE_GROUP, "GC01")
    await bind(fake, TOWNSHIP_GROUP, "GC")
    await seed(running.settings, count=12)
    township = Person(fake, fake.user(3001, "张镇"), TOWNSHIP_GROUP)
    first = await township.say("/ledger", expect="台账")
    text = first["text"]
    assert "在办 11 件，其中超期 1 件" in text  # GC01 and GC02 both lie under the township
    assert text.index("GL-2611-0001") < text.index("GL-2611-0002")  # overdue first, then by deadline
    assert "🔴 GL-2611-0001 · 已超期" in text and "第 1/2 页" in text
    second = await township.press(first, "下一页", expect="第 2/2 页")
    assert "GL-2611-0011" in second["text"] and "GL-2611-0012" not in second["text"]  # closed: not on it

    village = Person(fake, township.user, VILLAGE_GROUP)
    only_own = await village.say("/ledger", expect="台账")
    assert "在办 6 件" in only_own["text"] and labels(only_own) == []

    stranger = Person(fake, fake.user(4444, "路人"))
    await stranger.say("/ledger", expect="没有可查看的台账")
    admin = Person(fake, fake.user(ADMIN_ID, "管理员"))
    county = await admin.say("/ledger", expect="城口县 · 台账")
    assert "在办 11 件" in county["text"]
    worker = Person(fake, fake.user(WORKER_ID, "王芳"))  # staff of 南大街社区
    own = await worker.say("/ledger", expect="南大街社区 · 台账")
    assert "在办 6 件" in own["text"]


def _check_workbook(data: bytes, *, rows: int) -> None:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == rows + 1
    first = {h: c for h, c in zip(HEADER, sheet[2], strict=True)}
    assert isinstance(first["受理时间"].value, datetime) and first["受理时间"].number_format == "yyyy-mm-dd hh:mm"
    assert first["诉求内容"].alignment.wrap_text
    assert first["研判结果"].value == "立即办理" and first["责任人"].value == "王芳"
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    late = [row for row in values if row[0] == "GL-2611-0012"]
    if late:
        assert late[0][HEADER.index("是否超期")] == "是" and late[0][HEADER.index("满意度")] == "基本满意"
        assert isinstance(late[0][HEADER.index("办结时间")], datetime)


async def test_export_in_private_chat_and_command_line(
    running: RunningBot, fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed(running.settings, count=12)
    admin = Person(fake, fake.user(ADMIN_ID, "管理员"))
    mark = fake.mark()
    await fake.send_text(admin.user, "/export")
    sent = await fake.wait_for("sendDocument", chat_id=ADMIN_ID, since=mark, ok=True, timeout=15)
    document = sent.result["document"]
    assert document["file_name"] == "网格台账.xlsx" and "共 12 件" in sent.result["caption"]
    _check_workbook(fake.files[document["file_id"]], rows=12)

    citizen = Person(fake, fake.user(1001, "Alice"))
    await citizen.say("/export", expect="只有管理员")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", running.settings.database_url)
    out = tmp_path / "ledger.xlsx"
    ran = await asyncio.to_thread(CliRunner().invoke, cli, ["export", "ledger", "--out", str(out), "--grid", "GC02"])
    assert ran.exit_code == 0 and "已将 6 件诉求写入" in ran.output, ran.output
    _check_workbook(out.read_bytes(), rows=6)
    today = datetime.now(running.settings.tz).date()
    ran = await asyncio.to_thread(
        CliRunner().invoke,
        cli,
        [
            "export",
            "ledger",
            "--out",
            str(out),
            "--from",
            (today - timedelta(days=1)).isoformat(),
            "--to",
            today.isoformat(),
        ],
    )
    assert ran.exit_code == 0 and "已将 0 件诉求写入" in ran.output
    bad = await asyncio.to_thread(CliRunner().invoke, cli, ["export", "ledger", "--out", str(out), "--grid", "NOPE"])
    assert bad.exit_code == 2


async def test_stats_chart_in_group(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, TOWNSHIP_GROUP, "GC")
    await seed(running.settings, count=4)
    mark = fake.mark()
    await fake.send_text(fake.user(3001, "张镇"), "/stats", chat=fake.chats[TOWNSHIP_GROUP])
    sent = await fake.wait_for("sendPhoto", chat_id=TOWNSHIP_GROUP, since=mark, ok=True, timeout=20)
    assert "挂图作业" in sent.result["caption"]
    png = fake.files[sent.result["photo"][-1]["file_id"]]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"

    mark = fake.mark()
    await fake.send_text(fake.user(ADMIN_ID, "管理员"), "/stats 7")
    county = await fake.wait_for("sendPhoto", chat_id=ADMIN_ID, since=mark, ok=True, timeout=20)
    assert "城口县 挂图作业" in county.result["caption"]
    citizen = Person(fake, fake.user(1001, "Alice"))
    await citizen.say("/stats", expect="只有已绑定网格的工作群或管理员")


async def test_many_overdue_issues_make_one_message_per_group(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, VILLAGE_GROUP, "GC01")
    await bind(fake, TOWNSHIP_GROUP, "GC")  # also holds GC02's issues: that village has no group
    await seed(running.settings, count=12)
    assert running.app is not None
    mark = fake.mark()
    summary = str(await run_job(catalogue()["overdue"], running.app.services, datetime.now(UTC) + timedelta(days=3)))
    assert summary == "overdue alerts: 2 messages"
    village = await Person(fake, fake.user(3001, "张镇"), VILLAGE_GROUP).screen("2 件诉求已超期", since=mark)
    assert "GL-2611-0001" in village["text"] and "GL-2611-0003" in village["text"]
    await Person(fake, fake.user(3001, "张镇"), TOWNSHIP_GROUP).screen(["2 件诉求已超期", "GL-2611-0004"], since=mark)
