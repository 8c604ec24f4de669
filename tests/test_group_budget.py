"""A group may receive 20 messages a minute: nobody may use it all up. One person's commands and
presses are limited (one notice, then silence), part of the budget is kept for cards, and a
citizen's quick replies about one issue reach the group combined, nothing lost."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import col, select

from bot.clock import SystemClock
from bot.config import Settings
from bot.outbox import batch
from bot.outbox.queue import enqueue
from storage.models import OutboxMessage, ProcessedUpdate
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.model import ApiCall
from tests.harness import Person, RunningBot, make_settings
from tests.test_core_loop import GROUP_ID, bind_group, card_in_group, report
from tests.test_domain_seam import PROBE


async def started(tmp_path: Path, fake: FakeTelegram, **overrides: Any) -> RunningBot:
    bot = RunningBot(make_settings(tmp_path, fake, **overrides), fake)
    await bot.start()
    return bot


async def handled(bot: RunningBot, update_ids: range, timeout: float = 10) -> None:
    """Wait until the bot has handled (and recorded, handlers/dedupe.py) every one of these updates."""
    assert bot.app is not None
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with bot.app.db.session() as s:
            query = select(ProcessedUpdate.update_id).where(col(ProcessedUpdate.update_id).in_(list(update_ids)))
            if len((await s.exec(query)).all()) == len(update_ids):
                return
        assert asyncio.get_running_loop().time() < deadline, f"updates {update_ids} not handled"
        await asyncio.sleep(0.05)


def replies_to(fake: FakeTelegram, since: int, message_ids: set[int]) -> list[ApiCall]:
    """The bot's messages in the group that answer one of these messages."""
    return [
        c
        for c in fake.requests[since:]
        if c.method == "sendMessage"
        and c.chat_id == GROUP_ID
        and (c.params.get("reply_parameters") or {}).get("message_id") in message_ids
    ]


async def test_one_persons_commands_in_a_group_are_limited(tmp_path: Path, fake: FakeTelegram) -> None:
    bot = await started(tmp_path, fake, group_commands_per_minute=3)
    try:
        await bind_group(fake, workers=())
        stranger = Person(fake, fake.user(3003, "路人"), GROUP_ID)
        mark = fake.mark()
        sent = [await fake.send_text(stranger.user, "/ledger", chat=stranger.chat) for _ in range(6)]
        ids = {m["message_id"] for m in sent}
        notice = await stranger.screen("发命令太快", since=mark)
        assert "每分钟最多 3 条" in notice["text"]
        await handled(bot, range(fake.last_update_id() - 5, fake.last_update_id() + 1))  # all six
        answers = replies_to(fake, mark, ids)
        assert len(answers) == 4, [c.params["text"] for c in answers]  # three answers, one notice
        assert len({c.params["reply_parameters"]["message_id"] for c in answers}) == 4
        # Someone else in the group is not held back by it.
        other = Person(fake, fake.user(3004, "另一位"), GROUP_ID)
        await other.say("/help", expect="网格")
    finally:
        await bot.stop()


async def test_one_persons_presses_in_a_group_are_limited(tmp_path: Path, fake: FakeTelegram) -> None:
    bot = await started(tmp_path, fake, group_presses_per_minute=3)
    try:
        await bind_group(fake)
        alice = Person(fake, fake.user(1001, "Alice"))
        mark = fake.mark()
        await report(alice, text="小区门口的垃圾三天没人清运了")
        card = await card_in_group(fake, since=mark)
        stranger = Person(fake, fake.user(3003, "路人"), GROUP_ID)
        answers = [(await stranger.press_for_alert(card, "详情")).params.get("text") or "" for _ in range(6)]
        assert not any("太快" in a for a in answers[:3]), answers
        assert "操作太快" in answers[3] and "每分钟最多 3 次" in answers[3]
        assert answers[4:] == ["", ""]  # answered (no spinning button), quietly
    finally:
        await bot.stop()


async def test_direct_answers_leave_room_for_cards(tmp_path: Path, fake: FakeTelegram) -> None:
    """Forty people send /help at once; cards queued meanwhile go out among the first answers, not
    behind all of them. Limits scaled up 60 times (1,200 a minute, 600 of them kept for cards)."""
    bot = await started(tmp_path, fake, flood_group_per_minute=1200, group_card_reserve_per_minute=600)
    try:
        await bind_group(fake, workers=())
        people = [Person(fake, fake.user(5000 + n, f"群友{n}"), GROUP_ID) for n in range(40)]
        mark = fake.mark()
        for person in people:
            await fake.send_text(person.user, "/help", chat=person.chat)

        def help_answer(call: ApiCall) -> bool:
            return "网格工作群" in (call.params.get("text") or "") or "/ledger" in (call.params.get("text") or "")

        first = await fake.wait_for_count("sendMessage", 5, chat_id=GROUP_ID, since=mark, ok=True)
        assert bot.app is not None
        async with bot.app.db.transaction() as s:
            for n in range(5):
                enqueue(
                    s, chat_id=GROUP_ID, method="sendMessage", params={"text": f"卡片 {n}"}, now=SystemClock().now()
                )
        calls = await fake.wait_for_count("sendMessage", 45, chat_id=GROUP_ID, since=mark, ok=True, timeout=20)
        order = [c.params["text"] if c.params["text"].startswith("卡片") else "help" for c in calls]
        assert len(first) == 5 and order.count("help") == 40, order
        last_card = max(i for i, what in enumerate(order) if what != "help")
        assert last_card < 20, order  # without the reserve, they wait behind all forty answers
        assert sorted(w for w in order if w != "help") == [f"卡片 {n}" for n in range(5)]
    finally:
        await bot.stop()


async def test_a_citizens_quick_replies_reach_the_group_combined(tmp_path: Path, fake: FakeTelegram) -> None:
    """Telegram's real group limit (20 a minute): ten quick lines about one issue would need half a
    minute as ten messages; they arrive in a few combined ones within seconds, all of them."""
    bot = await started(tmp_path, fake, flood_group_per_minute=20)
    try:
        await bind_group(fake)
        alice = Person(fake, fake.user(1001, "Alice"))
        mark = fake.mark()
        submitted = await report(alice, text="小区门口的垃圾三天没人清运了", phone=None)
        ref = submitted["text"].split("：")[1].split()[0]
        card = await card_in_group(fake, since=mark)
        accepted = await alice.screen(["已受理", ref], since=mark)

        mark = fake.mark()
        lines = [f"补充第{n}条：垃圾越堆越多" for n in range(10)]
        for line in lines:
            await fake.send_text(alice.user, line, reply_to=accepted)

        def relayed() -> str:
            return "\n".join(m.get("text", "") for m in fake.sent_messages(GROUP_ID) if "群众补充" in m.get("text", ""))

        relays = await fake._wait_until(lambda: all(line in relayed() for line in lines) and relayed(), timeout=15)
        assert relays, f"not all lines reached the group within 15 s: {relayed()!r}"
        messages = [m for m in fake.sent_messages(GROUP_ID) if "群众补充" in m.get("text", "")]
        # The group's burst (4, the card took one) lets at most three messages go at once, each with
        # the lines waiting by then (how many depends on how fast they come in); everything after
        # waits for the group's next slot and goes as one. Ten messages would take half a minute.
        assert len(messages) <= 4, [m["text"] for m in messages]
        assert all(m["reply_to_message"]["message_id"] == card["message_id"] for m in messages)
        combined = max(messages, key=lambda m: len(m["text"]))
        assert combined["text"].count("群众补充") == 1 and combined["text"].count("垃圾越堆越多") >= 2
        order = [line for line in lines if line in relayed()]
        assert order == lines and relayed().index(lines[0]) < relayed().index(lines[-1])
        assert fake.stats["429"] == 0
    finally:
        await bot.stop()


def test_the_card_reserve_must_leave_room_for_direct_answers() -> None:
    with pytest.raises(ValidationError, match="GROUP_CARD_RESERVE_PER_MINUTE must be less than FLOOD_GROUP_PER_MINUTE"):
        Settings(_env_file=None, flood_group_per_minute=20, group_card_reserve_per_minute=20)
    assert Settings(_env_file=None).group_card_reserve_per_minute == 6


def test_combined_texts_keep_one_header_and_every_line() -> None:
    def row(n: int, text: str, method: str = "sendMessage") -> OutboxMessage:
        return OutboxMessage(id=n, chat_id=GROUP_ID, method=method, params={"text": text, "parse_mode": "HTML"})

    head = row(1, "🗣 群众补充（GL-1）：\n第一条")
    later = [row(2, "🗣 群众补充（GL-1）：\n第二条\n续"), row(3, "另起一行"), row(4, "x", method="sendPhoto")]
    fits = batch.fitting(head, later)
    assert [r.id for r in fits] == [2, 3]  # a different kind of message ends the batch
    assert batch.combined(head, fits) == {
        "text": "🗣 群众补充（GL-1）：\n第一条\n第二条\n续\n另起一行",
        "parse_mode": "HTML",
    }
    long = [row(n, "字" * 1000) for n in range(2, 10)]
    assert len(batch.fitting(row(1, "字" * 1000), long)) == 2  # about 3,500 characters at most


def test_the_group_rules_import_no_telegram_code() -> None:
    """The migration of bindings, the outbox's batching and moving, the group throttle: no aiogram."""
    modules = ["bot.organisation.migration", "bot.outbox.sender", "bot.outbox.batch", "bot.group_throttle"]
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
