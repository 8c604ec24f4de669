"""The report conversation survives restarts and bad input: nothing already entered is lost."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from bot.app import Gridline
from bot.config import Settings
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job
from bot.sandbox.botapi import FakeTelegram
from bot.sandbox.clock import ShiftedClock
from storage.database import Database
from storage.models import FsmRecord, Issue
from tests.harness import Person, RunningBot, button_data, labels
from tests.test_core_loop import GROUP_ID, bind_group, card_in_group


async def _to_describe(citizen: Person) -> dict:
    menu = await citizen.say("/start", expect="民情直通车")
    screen = await citizen.press(menu, "反映问题", expect="乡镇")
    screen = await citizen.press(screen, "葛城街道", expect="村（社区）")
    screen = await citizen.press(screen, "南大街社区", expect="类别")
    return await citizen.press(screen, "道路交通", expect="描述问题")


async def skip_to_review(citizen: Person, progress: dict) -> dict:
    """From the description step: 下一步, skip the phone, and the review screen."""
    fake = citizen.fake
    mark = fake.mark()
    await fake.press(citizen.user, progress, button_data(progress, "下一步"))
    options = await citizen.screen("跳过", since=mark)
    mark = fake.mark()
    await fake.press(citizen.user, options, button_data(options, "跳过"))
    return await citizen.screen("请核对", since=mark)


async def _photo(citizen: Person, file_id: str, expect: str) -> dict:
    mark = citizen.fake.mark()
    await citizen.fake.send_photo(citizen.user, file_id=file_id)
    return await citizen.screen(expect, since=mark)


async def test_restart_in_the_middle_loses_nothing(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    await _to_describe(alice)
    await alice.say("桥头的护栏断了一截，很危险", expect="文字已记录")
    progress = await _photo(alice, "rail-1", "第 1 张照片")

    await running.restart()  # a deploy or a crash in the middle of the report

    # The old message's button still works, and the draft is all there.
    review = await skip_to_review(alice, progress)
    assert "桥头的护栏断了一截" in review["text"] and "照片：1 张" in review["text"]
    mark = fake.mark()
    await alice.press(review, "确认提交", expect="提交成功")
    card = await card_in_group(fake, since=mark)
    assert "桥头的护栏断了一截" in card["text"]
    await fake.wait_for("sendPhoto", chat_id=GROUP_ID, since=mark, where=lambda c: c.params["photo"] == "rail-1")


async def test_restart_with_queued_messages_delivers_them(running: RunningBot, fake: FakeTelegram) -> None:
    """Messages queued while the bot is down go out when it comes back."""
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    await _to_describe(alice)
    progress = await alice.say("井盖丢了", expect="文字已记录")
    review = await skip_to_review(alice, progress)

    # The group is unreachable for a while (5xx): the card stays queued across a restart.
    from bot.sandbox.botapi import Fault

    fake.inject(Fault(method="sendMessage", chat_id=GROUP_ID, error_code=502, description="Bad Gateway", times=1))
    mark = fake.mark()
    await alice.press(review, "确认提交", expect="提交成功")
    await fake.wait_for("sendMessage", chat_id=GROUP_ID, since=mark, ok=False)
    await running.restart()
    card = await card_in_group(fake, since=mark)
    assert "井盖丢了" in card["text"]


async def test_bad_input_is_explained_and_keeps_the_draft(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    carol = fake.user(1003, "Carol")
    category = await _to_describe(alice)
    assert category is not None

    await alice.say("路灯不亮", expect="文字已记录")
    mark = fake.mark()
    await fake.send_sticker(alice.user)
    await alice.screen("无法保存", since=mark)
    await alice.say("   ", expect="不能为空")
    await alice.say("长" * 20_000, expect=["太长", "最多 2000 字", "已记录 4 字"])
    await alice.say("/foo", expect="这个命令无法使用")
    await alice.say("别人说的", expect="不要转发", forward_from=carol)
    for index in range(1, 6):
        await _photo(alice, f"p{index}", f"第 {index} 张照片")
    await _photo(alice, "p6", "最多只能附 5 张照片")
    mark = fake.mark()
    await fake.send_voice(alice.user, file_id="voice-1")
    progress = await alice.screen("语音已保存", since=mark)
    assert "照片 5/5" in progress["text"] and "文字 4/2000" in progress["text"]

    mark = fake.mark()
    await fake.press(alice.user, progress, button_data(progress, "下一步"))
    await alice.screen("联系电话", since=mark)
    await alice.say("不是号码", expect="不是一个电话号码")
    mark = fake.mark()
    await fake.send_contact(alice.user, phone_number="13900001111", user_id=carol.id)
    await alice.screen("本人", since=mark)
    review = await alice.say("139 0000 2222", expect="请核对")
    assert "路灯不亮" in review["text"] and "照片：5 张" in review["text"] and "13900002222" in review["text"]
    assert "语音：有" in review["text"]

    # Typing where a button is expected keeps the draft, too.
    await alice.say("随便打几个字", expect="请点击上面消息中的按钮")
    mark = fake.mark()
    await alice.press(review, "确认提交", expect="提交成功")
    card = await card_in_group(fake, since=mark)
    assert "139****2222" in card["text"]
    await fake.wait_for("sendVoice", chat_id=GROUP_ID, since=mark)


async def test_edit_and_back_from_review(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    await _to_describe(alice)
    progress = await alice.say("噪音扰民", expect="文字已记录")
    review = await skip_to_review(alice, progress)
    assert "道路交通" in review["text"]

    which = await alice.press(review, "修改", expect="要修改哪一项")
    categories = await alice.press(which, "类别", expect="类别")
    review = await alice.press(categories, "环境卫生", expect="请核对")
    assert "环境卫生" in review["text"] and "噪音扰民" in review["text"]

    which = await alice.press(review, "修改", expect="要修改哪一项")
    back = await alice.press(which, "返回", expect="请核对")
    assert "噪音扰民" in back["text"]
    cancelled = await alice.press(back, "取消", expect="已取消")
    alert = await alice.press_for_alert(cancelled, "", data=button_data(review, "确认提交"))
    assert "失效" in alert.params.get("text", "")


async def test_untrusted_text_is_shown_literally(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "<b>Alice</b>"))
    await _to_describe(alice)
    evil = '<b>粗体</b> </code><a href="http://evil.example">点我</a> & 1 < 2'
    progress = await alice.say(evil, expect="文字已记录")
    review = await skip_to_review(alice, progress)
    assert evil in review["text"]
    mark = fake.mark()
    await alice.press(review, "确认提交", expect="提交成功")
    card = await card_in_group(fake, since=mark)
    assert evil in card["text"]
    assert not any(e.get("type") == "text_link" for e in card.get("entities", []))


async def test_strangers_cannot_work_on_issues(running: RunningBot, fake: FakeTelegram) -> None:
    """A card's buttons pressed from another group, or a rating pressed by another citizen, are refused."""
    await bind_group(fake)
    other_admin = await bind_group(fake, code="XQ01", chat_id=-100300)
    alice = Person(fake, fake.user(1001, "Alice"))
    mallory = Person(fake, fake.user(1666, "Mallory"))
    await _to_describe(alice)
    progress = await alice.say("有人占道经营", expect="文字已记录")
    review = await skip_to_review(alice, progress)
    mark = fake.mark()
    await alice.press(review, "确认提交", expect="提交成功")
    card = await card_in_group(fake, since=mark)

    # The same claim data, pressed on a message in the other grid's group.
    foreign = await other_admin.say("/help", expect="工作群")
    foreign["reply_markup"] = card["reply_markup"]
    worker = Person(fake, fake.user(3003, "隔壁网格员"), -100300)
    query = await fake.press(worker.user, foreign, button_data(card, "认领"), require_button=False)
    answer = await fake.wait_for("answerCallbackQuery", where=lambda c: c.params["callback_query_id"] == query["id"])
    assert "无权" in answer.params["text"]

    # Mallory forges a rating of Alice's issue in her own chat.
    db = Database(running.settings.database_url)
    try:
        async with db.session() as s:
            issue = (await s.exec(select(Issue))).one()
    finally:
        await db.dispose()
    menu = await mallory.say("/start", expect="民情直通车")
    query = await fake.press(mallory.user, menu, f"rt1:{issue.id}:satisfied", require_button=False)
    answer = await fake.wait_for("answerCallbackQuery", where=lambda c: c.params["callback_query_id"] == query["id"])
    assert "无权" in answer.params["text"]
    assert labels(card)[0] == "🙋 认领"


async def test_unknown_command_and_free_text(running: RunningBot, fake: FakeTelegram) -> None:
    alice = Person(fake, fake.user(1001, "Alice"))
    await alice.say("/nonsense", expect="不认识这个命令")
    await alice.say("你好", expect="反映问题")
    await alice.say("/cancel", expect="没有需要取消")
    english = await alice.say("/language", expect="English")
    assert "Report a problem" in " ".join(labels(english))
    await alice.say("/nonsense", expect="don't know that command")


async def test_a_failure_is_answered_politely_and_keeps_the_draft(running: RunningBot, fake: FakeTelegram) -> None:
    """Telegram failing under a handler: the user gets an apology, never a trace, and loses nothing."""
    from bot.sandbox.botapi import Fault

    alice = Person(fake, fake.user(1001, "Alice"))
    await _to_describe(alice)
    fake.inject(
        Fault(method="sendMessage", chat_id=alice.chat_id, error_code=500, description="Internal Server Error", times=1)
    )
    apology = await alice.say("垃圾桶满了", expect="系统出了点问题")
    assert "Traceback" not in apology["text"] and "Error" not in apology["text"]
    progress = await alice.say("在小区东门", expect="文字已记录")
    assert "文字 11/2000" in progress["text"]  # both pieces kept: 垃圾桶满了 + a newline + 在小区东门

    # A button press whose handler fails after answering the press gets a message instead.
    fake.inject(
        Fault(
            method="editMessageText",
            chat_id=alice.chat_id,
            error_code=500,
            description="Internal Server Error",
            times=1,
        )
    )
    mark = fake.mark()
    await fake.press(alice.user, progress, button_data(progress, "下一步"))
    await alice.screen("系统出了点问题", since=mark)


async def test_a_draft_left_alone_for_draft_keep_days_is_forgotten(settings: Settings, fake: FakeTelegram) -> None:
    """A half-finished report holds the citizen's text (and maybe a phone number): DRAFT_KEEP_DAYS
    untouched, it is forgotten, and the drafts-prune job deletes it from the database."""
    clock = ShiftedClock()
    app = Gridline(settings.model_copy(update={"draft_keep_days": 30}), clock=clock)
    mark = fake.mark()
    polling = asyncio.create_task(app.run_polling(handle_signals=False))
    await fake.wait_polling(since=mark)
    try:
        alice = Person(fake, fake.user(1001, "Alice"))
        await _to_describe(alice)
        progress = await alice.say("桥头的护栏断了一截，电话13812345678", expect="文字已记录")
        db = Database(settings.database_url)

        async def drafts() -> list[FsmRecord]:
            async with db.session() as s:
                return list((await s.exec(select(FsmRecord))).all())

        for _ in range(100):  # the update's state is written just after its answer
            if any("13812345678" in str(r.data) for r in await drafts()):
                break
            await asyncio.sleep(0.05)
        spec = catalogue()["drafts-prune"]
        assert "forgot 0 " in str(await run_job(spec, app.services))  # a fresh draft stays

        clock.jump_to(clock.now() + timedelta(days=31))
        assert "forgot 1 " in str(await run_job(spec, app.services))
        assert await drafts() == []
        await db.dispose()
        # The old message's button: the draft is gone, said politely; a new report starts afresh.
        mark = fake.mark()
        await fake.press(alice.user, progress, button_data(progress, "下一步"))
        answer = await fake.wait_for("answerCallbackQuery", since=mark)
        assert answer.params.get("text"), answer.params
        await alice.say("/start", expect="民情直通车")
    finally:
        await app.stop()
        await asyncio.wait_for(polling, timeout=15)
