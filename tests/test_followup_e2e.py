"""Follow-through end to end (issue 18): 🟡 at 70 % of the time limit and 🔴 when overdue, 延期申请
decided by the level above, 督办 levels with a 红牌 reaching the county and the deputies, and the
SLA figures in /stats and the Excel export."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import Settings
from bot.domain.lifecycle import IssueStatus
from bot.domain.warnings import used_share
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job
from storage.database import Database
from storage.models import Category, ExtensionRequest, Grid, Issue
from tests.fake_telegram import FakeTelegram
from tests.harness import ADMIN_ID, Person, RunningBot, labels, make_settings
from tests.test_core_loop import card_in_group, report
from tests.test_deputies import link_deputy
from tests.triage_helpers import (
    COUNTY_GROUP,
    LEADER_ID,
    LIAISON_ID,
    TOWNSHIP_GROUP,
    VILLAGE_GROUP,
    WORKER_ID,
    bind,
    enlist_liaison,
    org_file,
    ref_of,
)


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return make_settings(tmp_path, fake, demo_org_file=org_file(tmp_path))


async def _issue(settings: Settings, ref: str) -> Issue:
    db = Database(settings.database_url)
    try:
        async with db.session() as s:
            return (await s.exec(select(Issue).where(Issue.ref == ref))).one()
    finally:
        await db.dispose()


async def _change(settings: Settings, ref: str, **values: object) -> None:
    db = Database(settings.database_url)
    try:
        async with db.transaction() as s:
            issue = (await s.exec(select(Issue).where(Issue.ref == ref))).one()
            for name, value in values.items():
                setattr(issue, name, value)
            s.add(issue)
    finally:
        await db.dispose()


async def _run(running: RunningBot, name: str, now: datetime) -> str:
    assert running.app is not None
    return str(await run_job(catalogue()[name], running.app.services, now))


def _moment(start: datetime, deadline: datetime, share: float, tz: tzinfo) -> datetime:
    """The first ten-minute step at which `share` of the working time up to the deadline is used."""
    moment = start
    while used_share(started=start, deadline=deadline, now=moment, tz=tz) < share:
        moment += timedelta(minutes=10)
    return moment


async def _handled(fake: FakeTelegram, alice: Person, worker: Person, *, days: str, text: str) -> tuple[str, dict]:
    """A reported issue, 立即办理 by the worker himself with a deadline of `days`."""
    mark = fake.mark()
    ref = ref_of(await report(alice, text=text))
    card = await card_in_group(fake, since=mark, chat_id=VILLAGE_GROUP)
    menu = await worker.press(card, "研判", expect="处置方式")
    deadlines = await worker.press(menu, "立即办理", expect="办理时限")
    people = await worker.press(deadlines, days, expect="责任人")
    await worker.press(people, "我自己", expect="立即办理")
    return ref, card


async def test_yellow_at_seventy_percent_then_red(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, VILLAGE_GROUP, "GC01")
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(WORKER_ID, "王芳"), VILLAGE_GROUP)
    ref, card = await _handled(fake, alice, worker, days="3 个工作日", text="小区门口垃圾堆了一周没人清运")
    issue = await _issue(running.settings, ref)
    assert issue.deadline is not None and issue.deadline_set_at is not None and issue.acknowledged_at is not None
    tz = running.settings.tz
    half = _moment(issue.deadline_set_at, issue.deadline, 0.5, tz)
    seventy = _moment(issue.deadline_set_at, issue.deadline, 0.7, tz)

    assert await _run(running, "warn-yellow", half) == "yellow warnings: 0 issues"
    mark = fake.mark()
    assert await _run(running, "warn-yellow", seventy) == "yellow warnings: 1 issues"
    told = await Person(fake, worker.user).screen(["时限已过七成", ref], since=mark)  # the 责任人, privately
    assert "申请延期" in told["text"]
    yellow = await worker.screen("🟡 时限已过七成", since=mark)
    assert yellow["message_id"] == card["message_id"] and "🔴" not in yellow["text"]
    assert "⏳ 申请延期" in labels(yellow)

    # Once per deadline: a rerun, and a restart with its catch-up run, say nothing more.
    assert await _run(running, "warn-yellow", seventy + timedelta(hours=1)) == "yellow warnings: 0 issues"
    await running.restart()
    assert await _run(running, "warn-yellow", seventy + timedelta(hours=2)) == "yellow warnings: 0 issues"
    await asyncio.sleep(0.3)
    private = [m for m in fake.sent_messages(WORKER_ID) if "时限已过七成" in (m.get("text") or "")]
    assert len(private) == 1

    # The ledger shows 🟡 once 70 % is used by the clock (the limit set long ago here).
    await _change(running.settings, ref, deadline_set_at=issue.deadline - timedelta(days=40))
    ledger = await worker.say("/ledger", expect="台账")
    assert f"🟡 {ref}" in ledger["text"]

    # Overdue: the card turns 🔴.
    mark = fake.mark()
    await _run(running, "overdue", issue.deadline + timedelta(hours=1))
    red = await worker.screen("🔴 已超期", since=mark)
    assert red["message_id"] == card["message_id"] and "🟡" not in red["text"]


async def test_extension_asked_approved_and_refused_when_late(running: RunningBot, fake: FakeTelegram) -> None:
    await extension_round(running, fake)


async def test_extension_and_levels_on_postgresql(postgres_url: str, tmp_path: Path, fake: FakeTelegram) -> None:
    """Production runs on PostgreSQL: the one-open-request index, the new event kinds, the level column."""
    settings = make_settings(tmp_path, fake, demo_org_file=org_file(tmp_path), database_url=postgres_url)
    running = RunningBot(settings, fake)
    await running.start()
    try:
        await extension_round(running, fake)
        official = Person(fake, fake.user(3001, "张镇"))
        await official.say("/duban GL-0000-0000 黄牌 理由", expect="没有找到")
        ref = (await _rows(settings, select(Issue.ref)))[0]
        await official.say(f"/duban {ref} 红牌 超期仍未办结", expect=["已将", "红牌督办"])
        assert await _rows(settings, select(Issue.supervision_level)) == ["red"]
    finally:
        await running.stop()


async def extension_round(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, VILLAGE_GROUP, "GC01")
    await bind(fake, TOWNSHIP_GROUP, "GC")
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(WORKER_ID, "王芳"), VILLAGE_GROUP)
    ref, card = await _handled(fake, alice, worker, days="3 个工作日", text="路灯坏了三盏，晚上很黑")
    before = await _issue(running.settings, ref)
    assert before.deadline is not None
    card = await _showing(fake, card, "⏳ 申请延期")  # the card got the button with its deadline

    # Not the 责任人: refused, politely.
    leader = Person(fake, fake.user(LEADER_ID, "李明"), VILLAGE_GROUP)
    refused = await leader.press_for_alert(card, "申请延期")
    assert "只有" in refused.params["text"] and "王芳" in refused.params["text"]

    prompt = await worker.press(card, "申请延期", expect="回复本消息")
    mark = fake.mark()
    await fake.send_text(worker.user, "过几天", chat=worker.chat, reply_to=prompt)
    await worker.screen(["请按「天数 理由」回复", "您刚才写的是：过几天"], since=mark)
    mark = fake.mark()
    await fake.send_text(leader.user, "5 我来申请", chat=leader.chat, reply_to=prompt)
    await leader.screen("请由点按钮的同事回复", since=mark)  # the prompt is the worker's
    mark = fake.mark()
    await fake.send_text(worker.user, "3 需要等待灯具到货", chat=worker.chat, reply_to=prompt)
    await worker.screen([ref, "已提交上级审批"], since=mark)
    township = Person(fake, fake.user(3001, "张镇"), TOWNSHIP_GROUP)
    request_card = await township.screen(["延期申请", ref, "需要等待灯具到货", "3 个工作日"], since=mark)
    await worker.screen(["王芳 已为", "申请延期 3 个工作日"], since=mark)  # under the card

    # One open request at a time.
    pending = await worker.press_for_alert(card, "申请延期")
    assert "待审批" in pending.params["text"]
    # Only the level above decides: the village worker may not, even in the township's group.
    stranger = await Person(fake, worker.user, TOWNSHIP_GROUP).press_for_alert(request_card, "同意")
    assert "无权" in stranger.params["text"]

    mark = fake.mark()
    decided = await township.press(request_card, "同意", expect="已同意延期")
    assert labels(decided) == []
    after = await _issue(running.settings, ref)
    assert after.deadline is not None and after.deadline > before.deadline
    await Person(fake, worker.user).screen(["同意了", ref, "新的办理时限"], since=mark)
    pushed = await alice.screen(["经批准延期", ref], since=mark)
    assert after.deadline.astimezone(running.settings.tz).strftime("%Y-%m-%d") in pushed["text"]
    again = await township.press_for_alert(request_card, "同意", data=_data_of(request_card, "同意"))
    assert "已经审批过了" in again.params["text"]

    # A second request, refused by the level above, who must say why: the deadline stays.
    prompt = await worker.press(card, "申请延期", expect="回复本消息")
    mark = fake.mark()
    await fake.send_text(worker.user, "2 施工队排期", chat=worker.chat, reply_to=prompt)
    second = await township.screen(["延期申请", "施工队排期"], since=mark)
    why = await township.press(second, "不同意", expect=["回复本消息", "不同意", ref, "理由"])
    mark = fake.mark()
    await fake.send_photo(township.user, chat=township.chat, reply_to=why)  # no words: no reason
    await township.screen("须写明理由", since=mark)
    mark = fake.mark()
    other = Person(fake, fake.user(3002, "钱镇"), TOWNSHIP_GROUP)
    await fake.send_text(other.user, "同意他的意见", chat=other.chat, reply_to=why)
    await other.screen("请由点按钮的同事回复", since=mark)  # the prompt is 张镇's
    assert await _rows(running.settings, select(ExtensionRequest.status).order_by(ExtensionRequest.id)) == [
        "approved",
        "open",
    ]
    mark = fake.mark()
    await fake.send_text(township.user, "灯具库存充足，<b>三天</b>内可以修好", chat=township.chat, reply_to=why)
    await township.screen(["不同意延期", "灯具库存充足，<b>三天</b>内"], since=mark)  # escaped: shown as typed
    told = await Person(fake, worker.user).screen(["不同意", ref, "理由"], since=mark)
    assert "灯具库存充足" in told["text"]
    assert (await _issue(running.settings, ref)).deadline == after.deadline
    reasons = await _rows(running.settings, select(ExtensionRequest.refusal_reason).order_by(ExtensionRequest.id))
    assert reasons == [None, "灯具库存充足，<b>三天</b>内可以修好"]
    # Decided: the prompt answered again, or the card pressed again, says so.
    mark = fake.mark()
    await fake.send_text(township.user, "再补充一句", chat=township.chat, reply_to=why)
    await township.screen("已经审批过了", since=mark)
    again = await township.press_for_alert(second, "不同意", data=_data_of(second, "不同意"))
    assert "已经审批过了" in again.params["text"]

    # After the deadline: refused, with the reason.
    await _change(running.settings, ref, deadline=datetime.now(UTC) - timedelta(hours=1))
    late = await worker.press_for_alert(card, "申请延期")
    assert "已过" in late.params["text"] and "时限届满前" in late.params["text"]
    rows = await _rows(running.settings, select(ExtensionRequest.status).order_by(ExtensionRequest.id))
    assert rows == ["approved", "refused"]


async def _showing(fake: FakeTelegram, message: dict, label: str) -> dict:
    """The message once its current buttons include `label` (cards are edited through the outbox)."""
    for _ in range(100):
        current = fake.message(message["chat"]["id"], message["message_id"])
        if current is not None and label in labels(current):
            return current
        await asyncio.sleep(0.1)
    raise AssertionError(f"{label!r} never shown on message {message['message_id']}")


def _data_of(message: dict, label: str) -> str:
    from tests.harness import button_data

    return button_data(message, label)


async def _rows(settings: Settings, query):  # type: ignore[no-untyped-def]
    db = Database(settings.database_url)
    try:
        async with db.session() as s:
            return list((await s.exec(query)).all())
    finally:
        await db.dispose()


async def test_supervision_levels_and_a_red_card(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, VILLAGE_GROUP, "GC01")
    await bind(fake, TOWNSHIP_GROUP, "GC")
    await bind(fake, COUNTY_GROUP, "CK")
    deputy = await link_deputy(running, fake)  # D001's constituency holds GC01
    alice = Person(fake, fake.user(1001, "Alice"))
    mark = fake.mark()
    ref = ref_of(await report(alice, text="小区供暖温度不达标，多次反映无果"))
    card = await card_in_group(fake, since=mark, chat_id=VILLAGE_GROUP)

    official = Person(fake, fake.user(3001, "张镇"))  # the township's official, in a private chat
    await official.say(f"/duban {ref} 蓝牌 理由", expect="用法")
    await official.say(f"/duban {ref} 黄牌", expect="用法")
    await official.say("/duban GL-0000-0000 黄牌 理由", expect="没有找到")
    await alice.say(f"/duban {ref} 红牌 我很着急", expect="无权")
    worker = Person(fake, fake.user(WORKER_ID, "王芳"))  # a village worker is no official
    await worker.say(f"/duban {ref} 黄牌 着急", expect="无权")

    mark = fake.mark()
    await official.say(f"/duban {ref} 黄牌 群众多次反映", expect="黄牌督办")
    village = Person(fake, fake.user(WORKER_ID, "王芳"), VILLAGE_GROUP)
    edited = await village.screen("🟨 黄牌督办", since=mark)
    assert edited["message_id"] == card["message_id"]
    await village.screen(["列为黄牌督办", "群众多次反映"], since=mark)
    await official.say(f"/duban {ref} 黄牌 再次", expect="只能提高")

    mark = fake.mark()
    await deputy.say(f"/duban {ref} 红牌 供暖关系民生，须立即解决", expect="红牌督办")
    county = await card_in_group(fake, since=mark, headline="红牌督办", chat_id=COUNTY_GROUP)
    assert ref in county["text"] and "🟥 红牌督办" in county["text"]
    await Person(fake, fake.user(4001, "赵县"), COUNTY_GROUP).screen("须立即解决", since=mark)
    await deputy.screen(["选区诉求", ref, "红牌督办"], since=mark)
    await village.screen("🟥 红牌督办", since=mark)

    ledger = Person(fake, fake.user(WORKER_ID, "王芳"), VILLAGE_GROUP)
    reds = await ledger.say("/ledger 红牌", expect="筛选")
    assert ref in reds["text"] and "🟥红牌" in reds["text"]
    yellows = await ledger.say("/ledger 黄牌", expect="筛选")
    assert ref not in yellows["text"] and "暂无在办诉求" in yellows["text"]
    await ledger.say("/ledger 蓝牌", expect="用法")
    assert (await _issue(running.settings, ref)).supervision_level == "red"


async def _seed_sla(settings: Settings) -> None:
    """Four issues of 南大街社区 with known moments (hours after being received)."""
    db = Database(settings.database_url)
    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    try:
        async with db.transaction() as s:
            grid = (await s.exec(select(Grid).where(Grid.code == "GC01"))).one()
            category = (await s.exec(select(Category).where(Category.code == "environment"))).one()
            specs = [
                # (acknowledged after, resolved after, deadline after, status, reopens)
                (1, 10, 48, IssueStatus.CLOSED, 0),  # in time
                (3, 30, 20, IssueStatus.CLOSED, 1),  # late, reopened once
                (5, None, 72, IssueStatus.IN_PROGRESS, 0),
                (None, None, None, IssueStatus.RECEIVED, 0),
            ]
            for n, (ack, resolved, deadline, status, reopens) in enumerate(specs):
                created = now - timedelta(days=2) - n * hour
                s.add(
                    Issue(
                        ref=f"GL-2611-{n + 1:04d}",
                        citizen_id=1001,
                        grid_id=grid.id,
                        holder_grid_id=grid.id,
                        category_id=category.id,
                        description=f"第{n + 1}件",
                        created_at=created,
                        updated_at=now,
                        status=status,
                        acknowledged_at=created + ack * hour if ack is not None else None,
                        resolved_at=created + resolved * hour if resolved is not None else None,
                        deadline=created + deadline * hour if deadline is not None else None,
                        reopen_count=reopens,
                    )
                )
    finally:
        await db.dispose()


async def test_sla_figures_in_stats_and_export(
    running: RunningBot, fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bind(fake, TOWNSHIP_GROUP, "GC")
    await _seed_sla(running.settings)
    township = Person(fake, fake.user(3001, "张镇"), TOWNSHIP_GROUP)
    mark = fake.mark()
    await fake.send_text(township.user, "/stats", chat=township.chat)
    sla = await township.screen("办理时效", since=mark, timeout=20)
    # acknowledged after 1, 3, 5 hours: median 3; resolved after 10 and 30: median 20; one of the two
    # finished in time; one of the two ever resolved was reopened; no look-back recorded yet.
    line = next(row for row in sla["text"].split("\n") if "南大街社区" in row)
    assert "响应中位 3.0 小时" in line and "办结中位 20.0 小时" in line
    assert "按时办结率 50%" in line and "重办率 50%" in line and "回访解决率 —" in line

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", running.settings.database_url)
    out = tmp_path / "ledger.xlsx"
    ran = await asyncio.to_thread(CliRunner().invoke, cli, ["export", "ledger", "--out", str(out)])
    assert ran.exit_code == 0 and "已将 4 件诉求写入" in ran.output, ran.output
    book = load_workbook(io.BytesIO(out.read_bytes()))
    sheet = book["办理时效"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["单位", "类型", "受理"]
    row = next([c.value for c in r] for r in sheet.iter_rows(min_row=2) if r[0].value == "南大街社区")
    assert row[1] == "网格" and row[2] == 4
    assert row[3] == pytest.approx(3.0) and row[4] == pytest.approx(20.0)
    assert row[5] == pytest.approx(0.5) and row[6] == pytest.approx(0.5) and row[7] == "—"
    main = book["台账"]
    columns = [c.value for c in main[1]]
    first = {h: c.value for h, c in zip(columns, main[2], strict=True)}
    assert isinstance(first["响应时间"], datetime) and first["督办等级"] == "普通"


async def test_a_liaison_asks_privately_and_the_assigning_level_decides(
    running: RunningBot, fake: FakeTelegram
) -> None:
    await bind(fake, TOWNSHIP_GROUP, "GC")  # the village has no group: the township's holds its issues
    await enlist_liaison(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    township = Person(fake, fake.user(3001, "张镇"), TOWNSHIP_GROUP)
    liaison = Person(fake, fake.user(LIAISON_ID, "城管小周"))
    mark = fake.mark()
    ref = ref_of(await report(alice, text="夜市摊位占道经营，车过不去"))
    card = await card_in_group(fake, since=mark, chat_id=TOWNSHIP_GROUP)
    menu = await township.press(card, "研判", expect="处置方式")
    departments = await township.press(menu, "交办督办", expect="职能部门")
    deadlines = await township.press(departments, "城管办", expect="办理时限")
    mark = fake.mark()
    await fake.press(township.user, deadlines, _data_of(deadlines, "3 个工作日"))
    private_card = await liaison.screen(["交办督办", ref], since=mark)

    prompt = await liaison.press(private_card, "申请延期", expect="回复本消息")
    mark = fake.mark()
    await fake.send_text(liaison.user, "2 联合执法需要协调公安", reply_to=prompt)
    await liaison.screen("已提交上级审批", since=mark)
    request = await township.screen(["延期申请", ref, "城管小周", "联合执法需要协调公安"], since=mark)
    mark = fake.mark()
    await township.press(request, "同意", expect="已同意延期")
    await liaison.screen(["同意了", ref], since=mark)
    await alice.screen("经批准延期", since=mark)


async def test_the_administrators_decide_when_the_county_holds_it(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, COUNTY_GROUP, "CK")  # only the county has a group: nobody above it
    alice = Person(fake, fake.user(1001, "Alice"))
    county = Person(fake, fake.user(4001, "赵县"), COUNTY_GROUP)
    ref, card = await _handled_by(fake, alice, county, chat_id=COUNTY_GROUP, text="县道塌方一处")
    card = await _showing(fake, card, "⏳ 申请延期")
    prompt = await county.press(card, "申请延期", expect="回复本消息")
    mark = fake.mark()
    await fake.send_text(county.user, "5 需要专业队伍", chat=county.chat, reply_to=prompt)
    admin = Person(fake, fake.user(ADMIN_ID, "管理员"))
    request = await admin.screen(["延期申请", ref, "需要专业队伍"], since=mark)
    # The county's own official may not decide on his own request outside the administrators' chat.
    refused = await Person(fake, county.user, ADMIN_ID).press_for_alert(request, "不同意")
    assert "无权" in refused.params["text"]
    why = await admin.press(request, "不同意", expect="回复本消息")
    mark = fake.mark()
    await fake.send_text(admin.user, "请先完成险情处置再申请", reply_to=why)
    await admin.screen(["不同意延期", "请先完成险情处置"], since=mark)
    await Person(fake, county.user).screen(["不同意", ref, "请先完成险情处置"], since=mark)


async def _handled_by(fake: FakeTelegram, alice: Person, staff: Person, *, chat_id: int, text: str) -> tuple[str, dict]:
    mark = fake.mark()
    ref = ref_of(await report(alice, text=text))
    card = await card_in_group(fake, since=mark, chat_id=chat_id)
    menu = await staff.press(card, "研判", expect="处置方式")
    deadlines = await staff.press(menu, "立即办理", expect="办理时限")
    people = await staff.press(deadlines, "3 个工作日", expect="责任人")
    await staff.press(people, "我自己", expect="立即办理")
    return ref, card
