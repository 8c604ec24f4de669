"""Untrusted text shows literally everywhere it enters HTML; a flooding citizen is slowed down."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox.botapi import FakeTelegram
from tests.harness import Person, RunningBot, make_settings
from tests.test_core_loop import GROUP_ID, bind_group, card_in_group, report

EVIL = '</code><a href="http://evil.example">点我</a> <b>粗</b> & 1 < 2'


def _literal(message: dict) -> bool:
    return EVIL in message["text"] and not any(e.get("type") == "text_link" for e in message.get("entities", []))


async def test_relays_names_and_timeline_are_escaped(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(2002, EVIL), GROUP_ID)
    start = fake.mark()
    await report(alice, text="下水道堵了")
    card = await card_in_group(fake, since=start)

    mark = fake.mark()
    await fake.press(
        worker.user,
        card,
        next(b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row if "认领" in b["text"]),
    )
    claimed = await worker.screen("办理中", since=mark)
    assert _literal(claimed)  # the worker's name on the card

    mark = fake.mark()
    await fake.send_text(worker.user, EVIL, chat=worker.chat, reply_to=card)
    relayed = await alice.screen("网格回复", since=mark)
    assert _literal(relayed)

    mark = fake.mark()
    await fake.send_text(alice.user, EVIL, reply_to=relayed)
    back = await worker.screen("群众补充", since=mark)
    assert _literal(back)

    detail = fake.message(GROUP_ID, card["message_id"])
    mark = fake.mark()
    await fake.press(
        worker.user,
        detail,
        next(
            b["callback_data"] for row in detail["reply_markup"]["inline_keyboard"] for b in row if "详情" in b["text"]
        ),
    )
    timeline = await worker.screen("下水道堵了", since=mark)
    assert _literal(timeline) and timeline["text"].count(EVIL) >= 3  # name, answer, citizen's reply


async def test_flooding_citizen_is_slowed_down(tmp_path: Path, fake: FakeTelegram) -> None:
    bot = RunningBot(make_settings(tmp_path, fake, citizen_messages_per_minute=3), fake)
    await bot.start()
    try:
        alice = fake.user(1001, "Alice")
        mark = fake.mark()
        for _ in range(6):
            await fake.send_text(alice, "/help")
        notice = await fake.wait_for("sendMessage", chat_id=alice.id, since=mark, where=lambda c: "太快" in c.text)
        await fake.assert_nothing("sendMessage", chat_id=alice.id, since=fake.requests.index(notice) + 1, within=0.5)
        answers = [c for c in fake.requests[mark:] if c.method == "sendMessage" and c.chat_id == alice.id]
        assert len(answers) == 4  # three answers and one notice, not six answers
        # Others are not affected.
        bob = Person(fake, fake.user(1002, "Bob"))
        await bob.say("/help", expect="")
    finally:
        await bot.stop()


async def test_too_many_reports_keep_the_draft(tmp_path: Path, fake: FakeTelegram) -> None:
    bot = RunningBot(make_settings(tmp_path, fake, citizen_reports_per_hour=1), fake)
    await bot.start()
    try:
        await bind_group(fake)
        alice = Person(fake, fake.user(1001, "Alice"))
        await report(alice, text="第一件")
        menu = await alice.say("/start", expect="民情直通车")
        screen = await alice.press(menu, "反映问题", expect="上次反映问题")
        screen = await alice.press(screen, "还是", expect="类别")
        screen = await alice.press(screen, "环境卫生", expect="描述问题")
        screen = await alice.say("第二件", expect="文字已记录")
        options = await alice.press(screen, "下一步", expect="跳过")
        review = await alice.press(options, "跳过", expect="请核对")
        answer = await alice.press_for_alert(review, "确认提交")
        assert "请稍后再提交" in answer.params["text"] and answer.params.get("show_alert")
        assert "确认提交" in " ".join(
            b["text"]
            for row in fake.message(alice.chat_id, review["message_id"])["reply_markup"]["inline_keyboard"]
            for b in row
        )
    finally:
        await bot.stop()


async def test_long_timeline_is_split_into_messages(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    start = fake.mark()
    await report(alice, text="小区路灯全坏了")
    card = await card_in_group(fake, since=start)
    for n in range(3):  # three long answers: the history is well over 4,096 characters
        mark = fake.mark()
        await fake.send_text(
            worker.user, f"第{n}次答复：" + "正在协调供电所处理" * 200, chat=worker.chat, reply_to=card
        )
        await worker.screen("已转达", since=mark)
    mark = fake.mark()
    await fake.press(
        worker.user,
        card,
        next(b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row if "详情" in b["text"]),
    )
    last = await fake.wait_for(
        "sendMessage", chat_id=GROUP_ID, since=mark, ok=True, where=lambda c: "reply_markup" in c.params
    )
    pieces = [c for c in fake.requests[mark:] if c.method == "sendMessage" and c.chat_id == GROUP_ID and c.ok]
    assert len(pieces) >= 2 and pieces[-1] is last
    assert all(len(fake.message(GROUP_ID, c.result["message_id"])["text"]) <= 4096 for c in pieces)
