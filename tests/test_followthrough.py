"""Follow-through end to end (issue 18, items 1, 2 and 7): duplicate suggestions at intake and
👍 关注, 重复件 from a card, the 回访 look-back job and its answers, a fresh deadline for reopened
issues, and messages kept for a deputy who links later. Buttons pressed on an older state of the
issue get a polite "this has changed"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.config import Settings
from bot.domain.enums import EventKind
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job
from bot.triage.workdays import deadline_after
from storage.database import Database
from storage.models import Issue, IssueEvent, IssueFollower, Lookback
from tests.fake_telegram import FakeTelegram
from tests.harness import Person, RunningBot, button_data, labels, make_settings
from tests.test_core_loop import GROUP_ID, bind_group, card_in_group, report
from tests.test_deputies import link_deputy

WORKER = (2002, "王芳")


async def _rows(settings: Settings, query: Any) -> list[Any]:
    db = Database(settings.database_url)
    try:
        async with db.session() as s:
            return list((await s.exec(query)).all())
    finally:
        await db.dispose()


async def _issue(settings: Settings, ref: str) -> Issue:
    return (await _rows(settings, select(Issue).where(Issue.ref == ref)))[0]


def ref_of(submitted: dict) -> str:
    return submitted["text"].split("：")[1].split()[0]


async def describe(citizen: Person, text: str) -> dict:
    """The report walk up to 下一步 after the description; returns what the bot shows next."""
    menu = await citizen.say("/start", expect="民情直通车")
    screen = await citizen.press(menu, "反映问题", expect="乡镇")
    screen = await citizen.press(screen, "葛城街道", expect="村（社区）")
    screen = await citizen.press(screen, "南大街社区", expect="类别")
    screen = await citizen.press(screen, "环境卫生", expect="描述问题")
    screen = await citizen.say(text, expect="文字已记录")
    return await citizen.press(screen, "下一步", expect=["已有人反映过类似问题"])


def _count(fake: FakeTelegram, chat_id: int, text: str) -> int:
    return sum(text in (m.get("text") or "") for m in fake.sent_messages(chat_id))


async def _resolve(fake: FakeTelegram, worker: Person, card: dict, note: str) -> None:
    mark = fake.mark()
    await fake.press(worker.user, card, button_data(card, "办结"))
    prompt = await worker.screen("办结说明", since=mark)
    mark = fake.mark()
    await fake.send_text(worker.user, note, chat=worker.chat, reply_to=prompt)
    await worker.screen("已办结", since=mark)


async def test_similar_issues_are_offered_followed_and_merged(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake, workers=[WORKER])
    worker = Person(fake, fake.user(*WORKER), GROUP_ID)
    alice = Person(fake, fake.user(1001, "Alice"))
    carol = Person(fake, fake.user(1003, "Carol"))
    mark = fake.mark()
    original = ref_of(await report(alice, text="小区门口的垃圾三天没人清运了，臭味很大"))
    original_card = await card_in_group(fake, since=mark)
    other = ref_of(await report(carol, text="健身器材的螺丝松动了，孩子玩很危险"))

    # Bob describes the same matter in other words: Alice's issue is offered, Carol's is not alike.
    bob = Person(fake, fake.user(1002, "Bob"))
    offered = await describe(bob, "门口垃圾堆了好几天没有清运")
    assert original in offered["text"] and "臭味很大" in offered["text"] and other not in offered["text"]
    assert labels(offered) == [f"👍 关注 {original}", "➡️ 不是同一件事，继续提交", "⬅️ 返回", "✖️ 取消"]

    # 👍: Bob follows it instead of filing; the card counts him.
    mark = fake.mark()
    followed = await bob.press(offered, f"关注 {original}", expect="已关注")
    assert original in followed["text"]
    counted = await worker.screen(["1 人关注"], since=mark)
    assert counted["message_id"] == original_card["message_id"]
    assert len(await _rows(running.settings, select(Issue))) == 2  # nothing filed for Bob

    # He hears of its progress as Alice does, without her rating buttons.
    mark = fake.mark()
    await worker.press_for_alert(original_card, "认领")
    pushed = await bob.screen(["您关注的诉求", original, "认领"], since=mark)
    assert "reply_markup" not in pushed

    # Dave goes on with a new report of the same matter; staff merge it into Alice's.
    dave = Person(fake, fake.user(1004, "Dave"))
    offered = await describe(dave, "小区门口垃圾没人清运")
    mark = fake.mark()
    phone = await dave.press(offered, "继续提交", expect="联系电话")
    skip = await dave.screen("跳过", since=mark)
    review = await dave.press(skip, "跳过", expect="请核对")
    mark = fake.mark()
    duplicate = ref_of(await dave.press(review, "确认提交", expect="提交成功"))
    card = await card_in_group(fake, since=mark)
    assert phone is not None and duplicate in card["text"]

    menu = await worker.press(card, "研判", expect="处置方式")
    choices = await worker.press(menu, "重复件", expect=f"{duplicate} 与哪一件诉求重复")
    # The alike one first, then the other open ones of the grid and category, newest first.
    assert [label.split(" · ")[0] for label in labels(choices)] == [original, other, "✖️ 取消"]
    mark = fake.mark()
    done = await worker.press(choices, original, expect="已标为重复件")
    assert duplicate in done["text"] and original in done["text"]
    told = await dave.screen(["同一件事", duplicate, original], since=mark)
    assert "已自动关注" in told["text"]
    closed = await worker.screen(["重复件，已并入", original], since=mark)
    assert closed["message_id"] == card["message_id"] and labels(closed) == ["📄 详情"]
    await worker.screen(["2 人关注"], since=mark)

    dup_issue, orig_issue = await _issue(running.settings, duplicate), await _issue(running.settings, original)
    assert dup_issue.status == "closed" and dup_issue.duplicate_of_id == orig_issue.id
    followers = await _rows(
        running.settings, select(IssueFollower.user_id).where(IssueFollower.issue_id == orig_issue.id)
    )
    assert sorted(followers) == [1002, 1004]

    # Erin is offered Alice's issue; it is resolved before she presses 👍: the button has changed.
    erin = Person(fake, fake.user(1005, "Erin"))
    offered = await describe(erin, "门口的垃圾一直没人清运")
    mark = fake.mark()
    await _resolve(fake, worker, original_card, "垃圾已清运")
    resolved = await dave.screen(["您关注的诉求", original, "已办结", "垃圾已清运"], since=mark)
    assert "评价" not in resolved["text"] and "reply_markup" not in resolved  # rating is Alice's
    refused = await erin.press_for_alert(offered, f"关注 {original}")
    assert "情况已经变化" in refused.params["text"] and refused.params["show_alert"] is True
    # Her draft is still there: she goes on with it.
    await erin.press(offered, "继续提交", expect="联系电话")
    assert await _rows(running.settings, select(IssueFollower).where(IssueFollower.user_id == 1005)) == []

    # Bob erases his data: he follows nothing any more, and hears nothing more.
    intro = await bob.say("/privacy", expect="删除")
    ask = await bob.press(intro, "删除我的个人信息", expect="确定要删除")
    await bob.press(ask, "确认删除", expect="已删除您的个人信息")
    assert await _rows(running.settings, select(IssueFollower).where(IssueFollower.user_id == 1002)) == []


async def _job(running: RunningBot, now: Any) -> str:
    assert running.app is not None
    return str(await run_job(catalogue()["lookback"], running.app.services, now))


async def test_lookback_asks_once_reopens_and_shows_in_ledger(running: RunningBot, fake: FakeTelegram) -> None:
    await lookback_loop(running, fake)


async def test_lookback_on_postgresql(postgres_url: str, tmp_path: Path, fake: FakeTelegram) -> None:
    """Production runs on PostgreSQL: the asking's unique row, the second ask's UPDATE … RETURNING."""
    bot = RunningBot(make_settings(tmp_path, fake, database_url=postgres_url), fake)
    await bot.start()
    try:
        await lookback_loop(bot, fake)
    finally:
        await bot.stop()


async def lookback_loop(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake, workers=[WORKER])
    deputy = await link_deputy(running, fake)  # D001 covers GC01
    worker = Person(fake, fake.user(*WORKER), GROUP_ID)
    alice = Person(fake, fake.user(1001, "Alice"))
    mark = fake.mark()
    ref = ref_of(await report(alice, text="小区门口的垃圾三天没人清运了"))
    card = await card_in_group(fake, since=mark)
    await _resolve(fake, worker, card, "已清运")
    resolved_at = (await _issue(running.settings, ref)).resolved_at
    assert resolved_at is not None

    # Not before LOOKBACK_DAYS (7); then once, whatever reruns and restarts follow.
    assert (await _job(running, resolved_at + timedelta(days=6))).startswith("asked 0 ")
    mark = fake.mark()
    assert (await _job(running, resolved_at + timedelta(days=7, minutes=1))).startswith("asked 1 ")
    first = await alice.screen(["回访", ref, "问题解决了吗"], since=mark)
    assert [label.split()[-1] for label in labels(first)] == ["已解决", "没解决", "不清楚"]
    assert (await _job(running, resolved_at + timedelta(days=7, hours=2))).startswith("asked 0 ")
    await running.restart()
    assert (await _job(running, resolved_at + timedelta(days=8))).startswith("asked 0 ")
    assert _count(fake, alice.chat_id, "问题解决了吗") == 1

    # 不清楚: asked once more, LOOKBACK_DAYS later; the first question's buttons are then stale.
    answered = await alice.press(first, "不清楚", expect="再问您一次")
    assert ref in answered["text"]
    # (The test answers at once, on the real clock: LOOKBACK_DAYS after the answer is resolved_at + 7.)
    assert "0 of them again" in await _job(running, resolved_at + timedelta(days=6))
    mark = fake.mark()
    assert "1 of them again" in await _job(running, resolved_at + timedelta(days=7, hours=1))
    again = await alice.screen(["再次回访", ref], since=mark)
    assert "0 of them again" in await _job(running, resolved_at + timedelta(days=30))
    stale = await alice.press_for_alert(first, "", data=button_data(first, "已解决"))
    assert "情况已经变化" in stale.params["text"]

    # 没解决 needs a reason in words; then the issue is back with the group and the deputy hears.
    await alice.press(again, "没解决", expect="必填")
    mark = fake.mark()
    await fake.send_photo(alice.user, file_id="photo-x")
    await alice.screen("请用文字说明", since=mark)
    mark = fake.mark()
    await alice.say("垃圾又堆起来了", expect="已重新交给网格办理")
    reopened = await card_in_group(fake, since=mark, headline="回访没解决")
    assert ref in reopened["text"] and labels(reopened)[0] == "🙋 认领"
    await worker.screen(["垃圾又堆起来了"], since=mark)  # the reason, under the fresh card
    await alice.screen(["回访中您反映", ref, "没有解决"], since=mark)
    await deputy.screen(["选区诉求", "群众答复回访", "重新办理"], since=mark)

    issue = await _issue(running.settings, ref)
    assert issue.status == "reopened" and issue.reopen_count == 1 and issue.resolved_at is None
    rows = await _rows(running.settings, select(Lookback))
    assert [(r.asks, r.answer, r.reason) for r in rows] == [(2, "not_solved", "垃圾又堆起来了")]
    kinds = await _rows(
        running.settings,
        select(IssueEvent.kind).where(IssueEvent.issue_id == issue.id).order_by(col(IssueEvent.id)),
    )
    assert kinds[-5:] == [
        EventKind.LOOKBACK_ASKED,
        EventKind.LOOKBACK_ANSWERED,
        EventKind.LOOKBACK_ASKED,
        EventKind.LOOKBACK_ANSWERED,
        EventKind.REOPENED,
    ]

    # The ledger says so; the reopened issue's old question is stale too.
    ledger = await Person(fake, fake.user(*WORKER), GROUP_ID).say("/ledger", expect="台账")
    assert ref in ledger["text"] and "回访：没解决" in ledger["text"]
    stale = await alice.press_for_alert(again, "", data=button_data(again, "已解决"))
    assert "情况已经变化" in stale.params["text"]


async def test_lookback_solved_counts_in_stats(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake, workers=[WORKER])
    worker = Person(fake, fake.user(*WORKER), GROUP_ID)
    alice = Person(fake, fake.user(1001, "Alice"))
    mark = fake.mark()
    ref = ref_of(await report(alice, text="路灯不亮"))
    await _resolve(fake, worker, await card_in_group(fake, since=mark), "已修好")
    resolved_at = (await _issue(running.settings, ref)).resolved_at
    assert resolved_at is not None
    mark = fake.mark()
    await _job(running, resolved_at + timedelta(days=7))
    question = await alice.screen("问题解决了吗", since=mark)
    await alice.press(question, "已解决", expect="谢谢您的答复")
    assert (await _issue(running.settings, ref)).status == "resolved"  # a 已解决 changes nothing else

    mark = fake.mark()
    await fake.send_text(worker.user, "/stats", chat=worker.chat)
    chart = await fake.wait_for("sendPhoto", chat_id=GROUP_ID, since=mark)
    caption = chart.params["caption"]
    assert "回访结果" in caption and "已解决 1 · 没解决 0 · 不清楚 0 · 解决率 100%" in caption


async def test_unsure_twice_is_asked_no_more(running: RunningBot, fake: FakeTelegram) -> None:
    """不清楚 asks again once; a second 不清楚 is kept, and nothing more is asked."""
    await bind_group(fake, workers=[WORKER])
    worker = Person(fake, fake.user(*WORKER), GROUP_ID)
    alice = Person(fake, fake.user(1001, "Alice"))
    mark = fake.mark()
    ref = ref_of(await report(alice, text="下水道堵了"))
    await _resolve(fake, worker, await card_in_group(fake, since=mark), "已疏通")
    resolved_at = (await _issue(running.settings, ref)).resolved_at
    assert resolved_at is not None
    mark = fake.mark()
    await _job(running, resolved_at + timedelta(days=7))
    first = await alice.screen("问题解决了吗", since=mark)
    await alice.press(first, "不清楚", expect="再问您一次")
    mark = fake.mark()
    await _job(running, resolved_at + timedelta(days=8))
    again = await alice.screen("再次回访", since=mark)
    done = await alice.press(again, "不清楚", expect="谢谢您的答复")
    assert "不清楚" in done["text"]
    assert await _job(running, resolved_at + timedelta(days=30)) == "asked 0 citizens for the 回访, 0 of them again"
    asked = [c for c in fake.requests if c.method == "sendMessage" and "问题解决了吗" in c.params.get("text", "")]
    assert len(asked) == 2  # (both messages have since been edited into thanks)
    rows = await _rows(running.settings, select(Lookback))
    assert [(r.asks, r.answer, r.next_ask_at) for r in rows] == [(2, "unsure", None)]
    answers = await _rows(
        running.settings, select(IssueEvent.text).where(IssueEvent.kind == EventKind.LOOKBACK_ANSWERED)
    )
    assert answers == ["回访：不清楚", "回访：不清楚"]  # both answers kept on the timeline


async def test_reopened_issue_gets_a_new_deadline(running: RunningBot, fake: FakeTelegram) -> None:
    """不满意 reopens it: the deadline is renewed from today (环境卫生: 3 working days), resolved_at cleared."""
    await bind_group(fake, workers=[WORKER])
    worker = Person(fake, fake.user(*WORKER), GROUP_ID)
    alice = Person(fake, fake.user(1001, "Alice"))
    mark = fake.mark()
    ref = ref_of(await report(alice, text="楼道里的垃圾没人收"))
    card = await card_in_group(fake, since=mark)
    menu = await worker.press(card, "研判", expect="处置方式")
    deadlines = await worker.press(menu, "立即办理", expect="办理时限")
    people = await worker.press(deadlines, "1 个工作日", expect="责任人")
    mark = fake.mark()
    await fake.press(worker.user, people, button_data(people, "王芳"))
    card = await worker.screen(["办理时限"], since=mark)
    before = await _issue(running.settings, ref)
    assert before.deadline is not None

    mark = fake.mark()
    await _resolve(fake, worker, card, "已收走")
    rate = await alice.screen("已办结", since=mark)
    await alice.press(rate, "不满意", expect="哪里没有解决好")
    await alice.say("还是有垃圾", expect="已记录您对")

    after = await _issue(running.settings, ref)
    assert after.status == "reopened" and after.resolved_at is None
    events = await _rows(
        running.settings,
        select(IssueEvent.at).where(IssueEvent.issue_id == after.id, IssueEvent.kind == EventKind.REOPENED),
    )
    assert after.deadline == deadline_after(events[0], 3, running.settings.tz) and after.deadline > before.deadline


async def test_messages_kept_for_a_deputy_reach_them_on_linking(running: RunningBot, fake: FakeTelegram) -> None:
    alice = Person(fake, fake.user(1001, "Alice"))
    await alice.say("/start d_D001", expect="张建国")
    await alice.say("小区路灯坏了一个月", expect="尚未开通线上联络")
    bob = Person(fake, fake.user(1002, "Bob"))
    await bob.say("/start d_D001", expect="张建国")
    await bob.say("河边护栏断了", expect="尚未开通线上联络")

    deputy = await link_deputy(running, fake)
    first = await deputy.screen(["群众留言", "Alice", "小区路灯坏了一个月"], since=0)
    await deputy.screen(["群众留言", "Bob", "河边护栏断了"], since=0)

    # They are real inbox messages: the deputy answers by replying, and it reaches the citizen.
    mark = fake.mark()
    await fake.send_text(deputy.user, "我这周去看看", reply_to=first)
    await alice.screen(["张建国代表答复", "我这周去看看"], since=mark)

    # Linking again (a new phone) does not deliver them twice.
    again = await link_deputy(running, fake, user_id=7009)
    await again.screen("绑定成功", since=0)
    assert _count(fake, 7009, "小区路灯坏了一个月") == _count(fake, 7009, "河边护栏断了") == 0
    assert _count(fake, deputy.chat_id, "小区路灯坏了一个月") == 1


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return make_settings(tmp_path, fake)
