"""Privacy: the full phone number only for the responsible person (and recorded), anonymous
reports, and /privacy download and erase."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.domain.enums import EventKind
from bot.sandbox.botapi import FakeTelegram
from storage.database import Database
from storage.models import Issue, IssueEvent, IssueSubmission, User
from tests.harness import Person, RunningBot, button_data
from tests.test_core_loop import GROUP_ID, bind_group, card_in_group, report


async def _detail(worker: Person, card: dict) -> dict:
    fake = worker.fake
    mark = fake.mark()
    await fake.press(worker.user, card, button_data(fake.message(GROUP_ID, card["message_id"]), "详情"))
    call = await fake.wait_for(
        "sendMessage",
        chat_id=GROUP_ID,
        since=mark,
        ok=True,
        where=lambda c: "完整电话" in str(c.params.get("reply_markup")),
    )
    return fake.message(GROUP_ID, call.result["message_id"])


async def test_full_phone_only_for_the_responsible_person(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    wang = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    li = Person(fake, fake.user(2003, "李强"), GROUP_ID)
    start = fake.mark()
    await report(alice, text="楼道灯坏了", phone="13812345678")
    card = await card_in_group(fake, since=start)
    timeline = await _detail(wang, card)

    # Nobody has claimed it: nobody is responsible yet.
    answer = await wang.press_for_alert(timeline, "完整电话")
    assert "无权" in answer.params["text"] and "13812345678" not in answer.params["text"]

    await wang.press_for_alert(card, "认领")
    answer = await li.press_for_alert(timeline, "完整电话")
    assert "无权" in answer.params["text"]
    answer = await wang.press_for_alert(timeline, "完整电话")
    assert "13812345678" in answer.params["text"] and answer.params["show_alert"] is True

    # The access is on the timeline.
    again = await _detail(wang, card)
    assert "王芳 查看了群众的完整电话" in again["text"]
    assert "13812345678" not in again["text"]


async def _walk_to_review(citizen: Person, text: str) -> dict:
    menu = await citizen.say("/start", expect="民情直通车")
    screen = await citizen.press(menu, "反映问题", expect="乡镇")
    screen = await citizen.press(screen, "葛城街道", expect="村（社区）")
    screen = await citizen.press(screen, "南大街社区", expect="类别")
    screen = await citizen.press(screen, "环境卫生", expect="描述问题")
    screen = await citizen.say(text, expect="文字已记录")
    options = await citizen.press(screen, "下一步", expect="跳过")
    return await citizen.press(options, "跳过", expect="请核对")


async def test_anonymous_report_hides_the_name_from_the_group(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice", last_name="Zhang"))
    wang = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    review = await _walk_to_review(alice, "邻居噪音扰民")
    review = await alice.press(review, "匿名反映：否", expect="匿名反映：网格工作群看不到")
    start = fake.mark()
    await alice.press(review, "确认提交", expect="提交成功")
    card = await card_in_group(fake, since=start)
    relayed = card  # the citizen's later reply stays anonymous too
    await wang.press_for_alert(card, "认领")
    mark = fake.mark()
    await fake.send_text(wang.user, "请问具体是几楼？", chat=wang.chat, reply_to=card)
    relayed = await alice.screen("网格回复", since=mark)
    mark = fake.mark()
    await fake.send_text(alice.user, "五楼", reply_to=relayed)
    await wang.screen("群众补充", since=mark)
    timeline = await _detail(wang, card)
    assert "Alice" not in timeline["text"] and "Zhang" not in timeline["text"]
    assert "群众 提交诉求" in timeline["text"]
    assert all("Alice" not in m.get("text", "") for m in fake.sent_messages(GROUP_ID))


async def _submission_keys(running: RunningBot, user_id: int) -> list[str]:
    db = Database(running.settings.database_url)
    try:
        async with db.session() as s:
            keys = (await s.exec(select(IssueSubmission.key))).all()
    finally:
        await db.dispose()
    return [key for key in keys if key.startswith(f"{user_id}:")]


async def test_privacy_download_and_erase(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    wang = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    start = fake.mark()
    submitted = await report(alice, text="垃圾桶满了", photos=["photo-1"], phone="13812345678")
    ref = submitted["text"].split("：")[1].split()[0]
    card = await card_in_group(fake, since=start)

    intro = await alice.say("/privacy", expect="个人信息保护法")
    mark = fake.mark()
    await fake.press(alice.user, intro, button_data(intro, "下载我的数据"))
    sent = await fake.wait_for("sendDocument", chat_id=alice.user.id, since=mark, ok=True)
    data = json.loads(sent.params["document"]["content"])
    assert data["profile"]["full_name"] == "Alice" and data["profile"]["phone"] == "13812345678"
    [issue] = data["issues"]
    assert issue["ref"] == ref and issue["description"] == "垃圾桶满了"
    assert issue["attachments"] == [{"kind": "photo", "file_id": "photo-1"}]
    assert [e["kind"] for e in issue["timeline"]] == ["submitted"]
    submitted_keys = await _submission_keys(running, alice.user.id)
    assert len(submitted_keys) == 1  # 确认提交 recorded its review under the citizen's id

    ask = await alice.press(intro, "删除我的个人信息", expect="无法撤销")
    await alice.press(ask, "确认删除", expect="已删除您的个人信息")
    assert await _submission_keys(running, alice.user.id) == []

    db = Database(running.settings.database_url)
    try:
        async with db.session() as s:
            assert await s.get(User, alice.user.id) is None
            kept = (await s.exec(select(Issue))).one()
            events = (await s.exec(select(IssueEvent).where(IssueEvent.kind == EventKind.SUBMITTED))).all()
    finally:
        await db.dispose()
    assert kept.ref == ref and kept.citizen_id == 0 and kept.phone is None and kept.anonymous
    assert kept.description == "垃圾桶满了"  # the case stays for the statistics
    assert all(e.actor_name is None and e.actor_id is None for e in events)

    # The grid can still finish the issue; nothing goes to the erased citizen.
    mark = fake.mark()
    await wang.press_for_alert(card, "认领")
    await wang.screen("办理中", since=mark)
    await fake.assert_nothing("sendMessage", chat_id=alice.user.id, since=mark, within=0.3)


async def test_privacy_covers_messages_to_deputies(running: RunningBot, fake: FakeTelegram) -> None:
    """有事找代表: the citizen's messages are in the download; the erase empties them and cuts the
    conversation, so the deputy's next answer reaches nobody and the deputy is told so."""
    from storage.models import DeputyContact, DeputyMessageLink, OutboxMessage
    from tests.test_deputies import link_deputy

    deputy = await link_deputy(running, fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    await alice.say("/start d_D001", expect="张建国")
    await alice.say("路灯坏了，请打我电话13812345678", expect="已转达给张建国代表")
    inbox = await deputy.screen("13812345678", since=0)
    mark = fake.mark()
    await fake.send_text(deputy.user, "收到，我去看看", reply_to=inbox)
    await alice.screen("收到，我去看看", since=mark)

    intro = await alice.say("/privacy", expect="个人信息保护法")
    mark = fake.mark()
    await fake.press(alice.user, intro, button_data(intro, "下载我的数据"))
    sent = await fake.wait_for("sendDocument", chat_id=alice.user.id, since=mark, ok=True)
    [message] = json.loads(sent.params["document"]["content"])["deputy_messages"]
    assert message["deputy"] == "张建国" and message["text"] == "路灯坏了，请打我电话13812345678"

    ask = await alice.press(intro, "删除我的个人信息", expect="无法撤销")
    await alice.press(ask, "确认删除", expect="已删除您的个人信息")
    db = Database(running.settings.database_url)
    try:
        async with db.session() as s:
            [contact] = (await s.exec(select(DeputyContact))).all()
            links = (await s.exec(select(DeputyMessageLink).where(DeputyMessageLink.chat_id == alice.user.id))).all()
            outbox = [json.dumps(row.params, ensure_ascii=False) for row in (await s.exec(select(OutboxMessage))).all()]
    finally:
        await db.dispose()
    assert contact.citizen_id == 0 and "13812345678" not in contact.text
    assert links == []
    assert not [params for params in outbox if "13812345678" in params or "Alice" in params]

    # The deputy answers again: told the citizen is gone, and nothing goes to the citizen.
    mark = fake.mark()
    await fake.send_text(deputy.user, "修好了吗？", reply_to=inbox)
    await deputy.screen("无法再联系", since=mark)
    refused = await deputy.press_for_alert(inbox, "", data=button_data(inbox, "转为诉求"))
    assert "无法再联系" in refused.params["text"]
    assert [c for c in fake.requests[mark:] if c.chat_id == alice.user.id] == []
