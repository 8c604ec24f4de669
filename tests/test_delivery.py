"""The outbox against a misbehaving Bot API: 429, 5xx, timeouts, blocked users, a group that
removed the bot, refused requests, long texts, and the flood limits enforced by the server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.app import Gridline
from bot.outbox.queue import enqueue
from bot.sandbox.botapi import FakeTelegram, Fault, FloodLimits
from storage.models import OutboxMessage, OutboxStatus, UnreachableChat
from tests.harness import ADMIN_ID, RunningBot, make_settings
from tests.test_core_loop import GROUP_ID, bind_group

ALICE = 1001


@pytest.fixture
async def start_bot(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Callable[..., Any]]:
    bots: list[RunningBot] = []

    async def start(**overrides: Any) -> Gridline:
        bot = RunningBot(make_settings(tmp_path, fake, **overrides), fake)
        bots.append(bot)
        return await bot.start()

    yield start
    for bot in bots:
        await bot.stop()


async def queue(app: Gridline, chat_id: int, *texts: str, **params: Any) -> None:
    async with app.db.transaction() as s:
        for text in texts:
            enqueue(
                s,
                chat_id=chat_id,
                method="sendMessage",
                params={"text": text, "parse_mode": "HTML", **params},
                now=app.services.clock.now(),
            )
    app.sender.wake()


async def rows(app: Gridline, chat_id: int) -> list[OutboxMessage]:
    async with app.db.session() as s:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(col(OutboxMessage.id))
        return list((await s.exec(query)).all())


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent_messages(chat_id)]


async def test_429_waits_exactly_retry_after(fake: FakeTelegram, start_bot: Any) -> None:
    fake.user(ALICE, "Alice")
    app = await start_bot()
    fake.inject(Fault(method="sendMessage", chat_id=ALICE, error_code=429, retry_after=1, times=1))
    mark = fake.mark()
    await queue(app, ALICE, "第一条", "第二条")
    first, retried = await fake.wait_for_count("sendMessage", 2, chat_id=ALICE, since=mark, timeout=5)
    assert first.error is not None and first.error[0] == 429
    assert 1.0 <= retried.at - first.at < 1.4  # not earlier, and not a poll interval later
    await fake.wait_for("sendMessage", chat_id=ALICE, since=mark, ok=True, where=lambda c: c.text == "第二条")
    assert texts(fake, ALICE) == ["第一条", "第二条"]  # in order, once each


async def test_5xx_backs_off_and_delivers(fake: FakeTelegram, start_bot: Any) -> None:
    fake.user(ALICE, "Alice")
    app = await start_bot()
    fake.inject(Fault(method="sendMessage", chat_id=ALICE, error_code=502, times=1))
    mark = fake.mark()
    await queue(app, ALICE, "网格回复")
    failed, ok = await fake.wait_for_count("sendMessage", 2, chat_id=ALICE, since=mark, timeout=5)
    assert failed.error == (502, "Bad Gateway") and ok.ok
    assert 0.7 < ok.at - failed.at < 2.0  # the first backoff step: about a second, with jitter
    await app.sender.settled(ALICE)
    [row] = await rows(app, ALICE)
    assert row.status == OutboxStatus.SENT and row.attempts == 2


async def test_timeout_is_retried(fake: FakeTelegram, start_bot: Any) -> None:
    fake.user(ALICE, "Alice")
    app = await start_bot(send_timeout_seconds=0.5)
    # The server hangs for 2 s, longer than the bot waits; the request itself then succeeds.
    fake.inject(Fault(method="sendMessage", chat_id=ALICE, delay=2.0, times=1))
    mark = fake.mark()
    await queue(app, ALICE, "超时重发")
    calls = await fake.wait_for_count("sendMessage", 2, chat_id=ALICE, since=mark, timeout=6, ok=True)
    assert all(c.text == "超时重发" for c in calls)
    await app.sender.settled(ALICE)
    [row] = await rows(app, ALICE)
    assert row.status == OutboxStatus.SENT and row.attempts == 2
    # The one duplicate a timeout can cause: the first request did arrive.
    assert texts(fake, ALICE).count("超时重发") == 2


async def test_blocked_user_stops_delivery_quietly(fake: FakeTelegram, start_bot: Any) -> None:
    fake.user(ALICE, "Alice")
    fake.user(ADMIN_ID, "管理员")
    app = await start_bot()
    fake.block_chat(ALICE)
    mark = fake.mark()
    await queue(app, ALICE, "一", "二", "三")
    await fake.wait_for("sendMessage", chat_id=ALICE, since=mark, ok=False)
    await app.sender.drain(timeout=5)
    assert [r.status for r in await rows(app, ALICE)] == [OutboxStatus.FAILED] * 3
    assert fake.stats["sendMessage"] - 1 <= 1  # one attempt, not three
    async with app.db.session() as s:
        assert await s.get(UnreachableChat, ALICE) is not None
    await fake.assert_nothing("sendMessage", chat_id=ADMIN_ID, since=mark, within=0.3)  # a citizen's choice

    fake.unblock_chat(ALICE)  # unblocked: the next message goes out and the mark is lifted
    await queue(app, ALICE, "四")
    await fake.wait_for("sendMessage", chat_id=ALICE, since=mark, ok=True)
    await app.sender.settled(ALICE)
    async with app.db.session() as s:
        assert await s.get(UnreachableChat, ALICE) is None


async def test_group_that_removed_the_bot_is_reported_to_admins(fake: FakeTelegram, start_bot: Any) -> None:
    app = await start_bot()
    await bind_group(fake)
    fake.set_member_status(GROUP_ID, fake.bot_id, "kicked")
    mark = fake.mark()
    await queue(app, GROUP_ID, "新诉求卡片", "另一张卡片")
    notice = await fake.wait_for("sendMessage", chat_id=ADMIN_ID, since=mark, ok=True)
    assert "无法送达" in notice.text and "GC01 网格工作群" in notice.text and "南大街社区" in notice.text
    assert [r.status for r in await rows(app, GROUP_ID) if r.params["text"] != "已绑定"][-2:] == [
        OutboxStatus.FAILED
    ] * 2
    # A second failure does not repeat the notice.
    await queue(app, GROUP_ID, "第三张")
    await fake.wait_for_count("sendMessage", 2, chat_id=GROUP_ID, since=mark, ok=False)
    await fake.assert_nothing("sendMessage", chat_id=ADMIN_ID, since=notice_index(fake, notice), within=0.3)


def notice_index(fake: FakeTelegram, call: Any) -> int:
    return fake.requests.index(call) + 1


async def test_400_is_recorded_and_the_chat_goes_on(fake: FakeTelegram, start_bot: Any) -> None:
    fake.user(ALICE, "Alice")
    app = await start_bot()
    mark = fake.mark()
    await queue(app, ALICE, "<b>没有闭合", "下一条照常")
    await fake.wait_for("sendMessage", chat_id=ALICE, since=mark, ok=True)
    await app.sender.settled(ALICE)
    bad, good = await rows(app, ALICE)
    assert bad.status == OutboxStatus.FAILED and "400" in (bad.last_error or "") and "parse" in (bad.last_error or "")
    assert good.status == OutboxStatus.SENT


async def test_long_text_is_split(fake: FakeTelegram, start_bot: Any) -> None:
    fake.user(ALICE, "Alice")
    app = await start_bot()
    lines = [f"<b>第 {i} 行</b> " + "情况说明" * 30 + " &lt;附&gt;" for i in range(80)]  # ~10,000 chars
    keyboard = {"inline_keyboard": [[{"text": "详情", "callback_data": "x"}]]}
    mark = fake.mark()
    await queue(app, ALICE, "\n".join(lines), reply_markup=keyboard)
    await app.sender.drain(timeout=5)
    calls = [c for c in fake.requests[mark:] if c.method == "sendMessage"]
    assert len(calls) == 3 and all(c.ok for c in calls)
    sent = fake.sent_messages(ALICE)
    assert all(len(m["text"]) <= 4096 for m in sent)
    assert "\n".join(m["text"] for m in sent) == "\n".join(
        line.replace("<b>", "").replace("</b>", "").replace("&lt;", "<").replace("&gt;", ">") for line in lines
    )
    assert [bool(m.get("reply_markup")) for m in sent] == [False, False, True]


async def test_pacing_keeps_within_the_servers_flood_limits(fake: FakeTelegram, start_bot: Any) -> None:
    """Real limits scaled by 50 on both sides (1,500/s, 50/s per private chat, 1,000/min per group)."""
    scale = 50
    fake.enable_flood_limits(FloodLimits(scale=scale))
    app = await start_bot(
        flood_global_per_second=30 * scale, flood_private_per_second=1 * scale, flood_group_per_minute=20 * scale
    )
    fake.user(ALICE, "Alice")
    group = fake.group(GROUP_ID, "网格工作群")
    for user_id in range(5000, 5200):
        fake.user(user_id, f"群众{user_id}")
    started = time.monotonic()
    await queue(app, ALICE, *[f"私聊 {i}" for i in range(40)])
    await queue(app, group.id, *[f"群 {i}" for i in range(40)])
    for user_id in range(5000, 5200):
        await queue(app, user_id, "通知")
    await app.sender.drain(timeout=20)
    elapsed = time.monotonic() - started
    assert fake.stats["429"] == 0
    assert texts(fake, ALICE) == [f"私聊 {i}" for i in range(40)]
    assert texts(fake, group.id) == [f"群 {i}" for i in range(40)]
    # 40 to one private chat need 39/50 s; 40 to a group need (40 - 20)/1000 min = 1.2 s.
    assert 1.2 <= elapsed < 15
