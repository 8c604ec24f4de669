"""Other ways through the citizen's side: deep links, the remembered grid, a satisfied rating."""

from __future__ import annotations

from sqlmodel import col, select

from bot.domain.enums import ActorRole, EventKind
from bot.issues.draft import IssueDraft
from bot.issues.service import Actor
from bot.sandbox.botapi import FakeTelegram
from storage.models import IssueAttachment, IssueEvent, User
from tests.harness import Person, RunningBot, button_data, labels
from tests.test_conversation_robustness import skip_to_review
from tests.test_core_loop import GROUP_ID, bind_group, card_in_group, report


async def test_grid_deep_link_preselects_the_grid(running: RunningBot, fake: FakeTelegram) -> None:
    alice = Person(fake, fake.user(1001, "Alice"))
    mark = fake.mark()
    await fake.send_text(alice.user, "/start g_XQ02")
    await alice.screen(["已为您选择网格", "修齐镇 / 枇杷村"], since=mark)
    categories = await alice.screen("类别", since=mark)
    assert "社会保障" in labels(categories)
    # An unknown code is explained, and the menu is offered instead.
    mark = fake.mark()
    await fake.send_text(alice.user, "/start g_NOPE")
    await alice.screen("没有找到这个二维码对应的网格", since=mark)
    await alice.screen("民情直通车", since=mark)


async def test_the_grid_is_remembered_for_next_time(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    await report(alice, text="第一次反映", phone=None)
    menu = await alice.say("/start", expect="民情直通车")
    remembered = await alice.press(menu, "反映问题", expect="上次反映问题的网格")
    categories = await alice.press(remembered, "南大街社区", expect="类别")
    describe = await alice.press(categories, "住房物业", expect="描述问题")
    assert describe is not None
    progress = await alice.say("楼道灯坏了", expect="文字已记录")
    review = await skip_to_review(alice, progress)
    assert "葛城街道 / 南大街社区" in review["text"] and "住房物业" in review["text"]


async def test_resolution_with_photo_and_a_satisfied_rating(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    bob = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    start = fake.mark()
    await report(alice, text="下水道堵了", phone=None)
    card = await card_in_group(fake, since=start)

    # Resolving without claiming first makes the resolver the assignee.
    mark = fake.mark()
    await fake.press(bob.user, card, button_data(card, "办结"))
    prompt = await bob.screen("办结说明", since=mark)
    mark = fake.mark()
    await fake.send_photo(bob.user, file_id="after-photo", caption="已疏通", chat=bob.chat, reply_to=prompt)
    await fake.wait_for(
        "sendPhoto", chat_id=alice.chat_id, since=mark, where=lambda c: c.params["photo"] == "after-photo"
    )
    rate = await alice.screen(["已办结", "已疏通", "王芳"], since=mark)
    edited = await bob.screen(["已办结", "王芳"], since=mark)
    assert labels(edited) == ["📄 详情"]
    # The photo is kept with the resolution's line of the timeline, which follows the others.
    assert running.app is not None
    async with running.app.db.session() as s:
        events = (await s.exec(select(IssueEvent).order_by(col(IssueEvent.id)))).all()
        photo = (await s.exec(select(IssueAttachment).where(IssueAttachment.file_id == "after-photo"))).one()
    assert [e.kind for e in events] == [EventKind.SUBMITTED, EventKind.RESOLVED]
    assert photo.event_id == events[-1].id and events[-1].text == "已疏通"

    ask = await alice.press(rate, "😊 满意", expect="还有什么想说的吗")
    mark = fake.mark()
    await alice.press(ask, "不用了", expect="已记录您对")
    await alice.screen("感谢您的评价", since=mark)
    closed = await bob.screen("已评价", since=mark)
    assert labels(closed) == ["📄 详情"]
    # Rating twice is refused politely.
    alert = await alice.press_for_alert(rate, "基本满意", data=button_data(rate, "基本满意"))
    assert "已评价" in alert.params["text"]


async def test_someone_else_may_not_answer_the_resolution_prompt(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    bob = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    carol = Person(fake, fake.user(2003, "陈刚"), GROUP_ID)
    start = fake.mark()
    await report(alice, text="占道经营", phone=None)
    card = await card_in_group(fake, since=start)
    mark = fake.mark()
    await fake.press(bob.user, card, button_data(card, "办结"))
    prompt = await bob.screen("办结说明", since=mark)
    await carol.say("我来写", expect="请由点「办结」的同事回复", reply_to=prompt)
    mark = fake.mark()
    await fake.send_photo(bob.user, file_id="x", chat=bob.chat, reply_to=prompt)
    await bob.screen("请用文字写明办结情况", since=mark)


async def test_commands_are_published_in_both_languages(running: RunningBot, fake: FakeTelegram) -> None:
    calls = [c for c in fake.requests if c.method == "setMyCommands"]
    by_language = {(c.params.get("language_code"), c.params["scope"]["type"]): c.params["commands"] for c in calls}
    assert {"command": "report", "description": "反映问题"} in by_language[(None, "all_private_chats")]
    assert {"command": "report", "description": "Report a problem"} in by_language[("en", "all_private_chats")]
    assert any(c["command"] == "bind" for c in by_language[(None, "all_group_chats")])


async def test_an_english_citizens_report_is_pushed_in_english_and_their_phone_is_kept(
    running: RunningBot, fake: FakeTelegram
) -> None:
    """The new issue's push speaks the citizen's language; the phone given once stays on the profile
    when a later report leaves it out, and the grid is the one reported in last."""
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    await report(alice, text="第一次反映", phone="13812345678")
    await alice.say("/language", expect="English")
    app = running.app
    assert app is not None
    mark = fake.mark()
    async with app.db.session() as s:
        first = await s.get(User, 1001)
        assert first is not None and first.phone == "13812345678"
    draft = IssueDraft(grid_id=first.last_grid_id or 0, category_id=1, description="Street light is out", phone=None)
    summary = await app.services.flows.submit(draft=draft, citizen=Actor(ActorRole.CITIZEN, 1001, "Alice"))
    push = await fake.wait_for(
        "sendMessage", chat_id=1001, since=mark, where=lambda c: summary.ref in c.params.get("text", "")
    )
    assert "Your issue was received" in push.params["text"] and "已受理" not in push.params["text"]
    async with app.db.session() as s:
        again = await s.get(User, 1001)
        assert again is not None and again.phone == "13812345678" and again.last_grid_id == first.last_grid_id
