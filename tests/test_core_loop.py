"""The whole 三单 loop end to end, through the real bot and the fake Bot API:
a citizen reports with photos, the card reaches the group, a worker claims and replies, the
citizen answers, the worker resolves, the citizen rates 不满意 and the issue reopens."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bot.domain.enums import EventKind
from bot.sandbox.botapi import FakeTelegram
from storage.database import Database
from storage.models import Issue, IssueEvent, OutboxMessage, OutboxStatus
from tests.harness import ADMIN_ID, Person, RunningBot, enlist, known_user, labels, make_settings

GROUP_ID = -100200


WORKER = (2002, "王芳")  # the grid worker who works the cards in most tests


async def bind_group(
    fake: FakeTelegram, code: str = "GC01", chat_id: int = GROUP_ID, workers: Iterable[tuple[int, str]] = (WORKER,)
) -> Person:
    """The administrator binds the group to the grid and invites its workers."""
    group = fake.group(chat_id, f"{code} 网格工作群")
    admin = Person(fake, known_user(fake, ADMIN_ID, "管理员"), group.id)
    await admin.say(f"/bind {code}", expect="已绑定")
    for user_id, name in workers:
        await enlist(fake, known_user(fake, user_id, name), "worker", code)
    return admin


async def report(citizen: Person, *, text: str, photos: list[str] = (), phone: str | None = "13812345678") -> dict:
    """Walk the report conversation from the menu to the submitted confirmation."""
    fake = citizen.fake
    menu = await citizen.say("/start", expect="民情直通车")
    screen = await citizen.press(menu, "反映问题", expect="乡镇")
    screen = await citizen.press(screen, "葛城街道", expect="村（社区）")
    screen = await citizen.press(screen, "南大街社区", expect="类别")
    screen = await citizen.press(screen, "环境卫生", expect="描述问题")
    screen = await citizen.say(text, expect="文字已记录")
    for index, file_id in enumerate(photos, start=1):
        mark = fake.mark()
        await fake.send_photo(citizen.user, file_id=file_id)
        screen = await citizen.screen(f"第 {index} 张照片", since=mark)
    pressed = fake.mark()
    await fake.press(citizen.user, screen, _data(screen, "下一步"))
    shown = await citizen.screen("", since=pressed)
    if "已有人反映过类似问题" in shown.get("text", ""):  # an alike open issue is offered: not the same
        pressed = fake.mark()
        await fake.press(citizen.user, shown, _data(shown, "继续提交"))
    await citizen.screen("联系电话", since=pressed)
    mark = fake.mark()
    if phone:
        await fake.send_contact(citizen.user, phone_number=phone)
    else:
        options = await citizen.screen("跳过", since=pressed)
        await fake.press(citizen.user, options, _data(options, "跳过"))
    review = await citizen.screen("请核对", since=mark)
    return await citizen.press(review, "确认提交", expect="提交成功")


def _data(message: dict, label: str) -> str:
    from tests.harness import button_data

    return button_data(message, label)


async def card_in_group(fake: FakeTelegram, *, since: int, headline: str = "新诉求", chat_id: int = GROUP_ID) -> dict:
    call = await fake.wait_for(
        "sendMessage",
        chat_id=chat_id,
        since=since,
        timeout=10,
        ok=True,
        where=lambda c: headline in c.params.get("text", ""),
    )
    return fake.message(chat_id, call.result["message_id"])


async def test_full_loop(running: RunningBot, fake: FakeTelegram) -> None:
    await full_loop(running, fake)


async def test_full_loop_on_postgresql(postgres_url: str, tmp_path: Path, fake: FakeTelegram) -> None:
    """Production runs on PostgreSQL: the same loop over a real connection."""
    bot = RunningBot(make_settings(tmp_path, fake, database_url=postgres_url), fake)
    await bot.start()
    try:
        await full_loop(bot, fake)
    finally:
        await bot.stop()


async def full_loop(running: RunningBot, fake: FakeTelegram) -> None:
    admin = await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    bob = Person(fake, fake.user(2002, "王芳"), GROUP_ID)

    start = fake.mark()
    submitted = await report(alice, text="小区门口的垃圾三天没人清运了", photos=["photo-1", "photo-2"])
    ref = submitted["text"].split("：")[1].split()[0]
    assert ref.startswith("GL-") and len(ref) == len("GL-2611-0001")

    # The card reaches the grid's group, with the photos under it and the phone masked.
    card = await card_in_group(fake, since=start)
    assert ref in card["text"] and "环境卫生" in card["text"] and "138****5678" in card["text"]
    assert "13812345678" not in card["text"]
    assert labels(card) == ["🙋 认领", "🧭 研判", "✅ 办结", "⬆️ 上报", "📄 详情"]
    album = await fake.wait_for("sendMediaGroup", chat_id=GROUP_ID, since=start)
    assert [m["photo"][-1]["file_id"] for m in album.result] == ["photo-1", "photo-2"]
    assert album.result[0]["reply_to_message"]["message_id"] == card["message_id"]
    await alice.screen(["已受理", ref], since=start)

    # A worker claims it: the card shows who has it, the citizen is told.
    mark = fake.mark()
    await bob.press_for_alert(card, "认领")
    edited = await bob.screen(["办理中", "王芳"], since=mark)
    assert edited["message_id"] == card["message_id"]
    assert "认领" not in " ".join(labels(edited))
    await alice.screen(["已由", "认领"], since=mark)

    # The worker replies to the card; the answer reaches the citizen.
    mark = fake.mark()
    await fake.send_text(bob.user, "明天上午安排清运车过来", chat=bob.chat, reply_to=card)
    relayed = await alice.screen(["网格回复", "明天上午安排清运车过来"], since=mark)
    await bob.screen("已转达", since=mark)

    # The citizen answers the relayed message; it comes back to the group as a reply to the card.
    mark = fake.mark()
    await fake.send_text(alice.user, "好的，谢谢，门口还有建筑垃圾", reply_to=relayed)
    back = await bob.screen(["群众补充", "建筑垃圾"], since=mark)
    assert back["reply_to_message"]["message_id"] == card["message_id"]
    await alice.screen("已转给网格", since=mark)

    # Resolve: the worker is asked for a note as a reply, and the citizen is asked to rate.
    mark = fake.mark()
    await fake.press(bob.user, card, _data(card, "办结"))
    prompt = await bob.screen("办结说明", since=mark)
    asked = await fake.wait_for("sendMessage", chat_id=GROUP_ID, since=mark)
    assert asked.params["reply_markup"] == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "办结说明",
    }
    mark = fake.mark()
    await fake.send_text(bob.user, "已全部清运完毕", chat=bob.chat, reply_to=prompt)
    rate = await alice.screen(["已办结", "已全部清运完毕"], since=mark)
    assert [b.split()[-1] for b in labels(rate)] == ["满意", "基本满意", "不满意"]
    await bob.screen("已办结", since=mark)

    # 不满意 with a reason reopens the issue and puts it back into the group.
    ask = await alice.press(rate, "不满意", expect="哪里没有解决好")
    mark = fake.mark()
    await alice.say("门口的建筑垃圾还在", expect="已记录您对")
    reopened = await card_in_group(fake, since=mark, headline="重新办理")
    assert "门口的建筑垃圾还在" in reopened["text"] and ref in reopened["text"]
    assert labels(reopened)[0] == "🙋 认领"
    await alice.screen(["重新交给", ref], since=mark)
    assert ask is not None and admin is not None

    # The timeline holds every step, in order.
    db = Database(running.settings.database_url)
    try:
        async with db.session() as s:
            issue = (await s.exec(select(Issue).where(Issue.ref == ref))).one()
            kinds = [
                e.kind
                for e in (
                    await s.exec(select(IssueEvent).where(IssueEvent.issue_id == issue.id).order_by(col(IssueEvent.id)))
                ).all()
            ]
            failed = (await s.exec(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED))).all()
    finally:
        await db.dispose()
    assert issue.status == "reopened" and issue.rating == "unsatisfied" and issue.reopen_count == 1
    assert kinds == [
        EventKind.SUBMITTED,
        EventKind.CLAIMED,
        EventKind.ANSWERED,
        EventKind.CITIZEN_REPLIED,
        EventKind.RESOLVED,
        EventKind.RATED,
        EventKind.REOPENED,
    ]
    assert failed == []


async def test_my_issues_shows_the_timeline(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    submitted = await report(alice, text="路灯坏了，晚上很黑", phone=None)
    ref = submitted["text"].split("：")[1].split()[0]
    listing = await alice.say("/my", expect="我的诉求")
    assert any(ref in label and "待认领" in label for label in labels(listing))
    detail = await alice.press(listing, ref, expect=[ref, "提交诉求"])
    assert "路灯坏了" in detail["text"]


def _texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent_messages(chat_id)]


async def test_group_ignores_strangers(running: RunningBot, fake: FakeTelegram) -> Any:
    group = fake.group(-100999, "某个群")
    stranger = Person(fake, fake.user(3003, "路人"), group.id)
    await stranger.say("/bind GC01", expect="只有管理员")
    await stranger.say("/help", expect="尚未绑定")
