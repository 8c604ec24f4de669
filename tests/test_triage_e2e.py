"""研判 end to end: each disposition, a department's reply reaching the citizen, and an issue going
village → township → county and back down."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.config import Settings
from bot.domain.enums import Disposition
from bot.jobs.registry import catalogue
from bot.jobs.scheduler import run_job
from bot.sandbox.botapi import FakeTelegram
from storage.database import Database
from storage.models import Issue
from tests.harness import Person, RunningBot, labels, make_settings
from tests.test_core_loop import card_in_group, report
from tests.triage_helpers import (
    COUNTY_GROUP,
    DEPT_GROUP,
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


async def _reported(fake: FakeTelegram, alice: Person, text: str) -> tuple[str, dict]:
    mark = fake.mark()
    ref = ref_of(await report(alice, text=text))
    return ref, await card_in_group(fake, since=mark, chat_id=VILLAGE_GROUP)


async def test_explain_goes_to_the_citizen_who_may_rate(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, VILLAGE_GROUP, "GC01")
    alice = Person(fake, fake.user(1001, "Alice"))
    bob = Person(fake, fake.user(WORKER_ID, "王芳"), VILLAGE_GROUP)
    ref, card = await _reported(fake, alice, "想申请把小区门口的公共绿地改成停车位")

    menu = await bob.press(card, "研判", expect="请选择处置方式")
    assert [label.split()[-1] for label in labels(menu)][:3] == ["宣传解释", "立即办理（协助自办）", "交办督办"]
    prompt = await bob.press(menu, "宣传解释", expect="解释说明")
    mark = fake.mark()
    await fake.send_text(bob.user, "公共绿地属于全体业主，按规定不能改作停车位", chat=bob.chat, reply_to=prompt)
    pushed = await alice.screen(["网格的答复", "不能改作停车位"], since=mark)
    assert [b.split()[-1] for b in labels(pushed)] == ["满意", "基本满意", "不满意"]
    await bob.screen(["研判结果：宣传解释", "已办结"], since=mark)
    issue = await _issue(running.settings, ref)
    assert issue.disposition == Disposition.EXPLAIN and issue.status == "resolved"


async def test_handle_within_the_grid_with_deadline_and_responsible(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, VILLAGE_GROUP, "GC01")
    alice = Person(fake, fake.user(1001, "Alice"))
    leader = Person(fake, fake.user(2001, "李明"), VILLAGE_GROUP)
    ref, card = await _reported(fake, alice, "楼道灯坏了")

    menu = await leader.press(card, "研判", expect="处置方式")
    deadlines = await leader.press(menu, "立即办理", expect="办理时限")
    assert any(label.startswith("⭐ 3 个工作日") for label in labels(deadlines))  # 环境卫生 defaults to 3
    people = await leader.press(deadlines, "5 个工作日", expect="责任人")
    assert "王芳" in labels(people)
    mark = fake.mark()
    await fake.press(
        leader.user,
        people,
        next(
            b["callback_data"] for row in people["reply_markup"]["inline_keyboard"] for b in row if b["text"] == "王芳"
        ),
    )
    pushed = await alice.screen(["立即办理", "责任人：王芳", "前办结"], since=mark)
    edited = await leader.screen(["研判结果：立即办理", "办理时限"], since=mark)
    assert edited["message_id"] == card["message_id"]
    issue = await _issue(running.settings, ref)
    assert issue.disposition == Disposition.HANDLE and issue.assignee_id == WORKER_ID and issue.deadline
    assert ref in pushed["text"]


async def test_escalate_to_county_assign_department_and_send_back(running: RunningBot, fake: FakeTelegram) -> None:
    for chat_id, code in ((VILLAGE_GROUP, "GC01"), (TOWNSHIP_GROUP, "GC"), (COUNTY_GROUP, "CK")):
        await bind(fake, chat_id, code)
    await bind(fake, DEPT_GROUP, "CK-ZJ", command="binddept")
    alice = Person(fake, fake.user(1001, "Alice"))
    village = Person(fake, fake.user(WORKER_ID, "王芳"), VILLAGE_GROUP)
    township = Person(fake, fake.user(3001, "张镇"), TOWNSHIP_GROUP)
    county = Person(fake, fake.user(4001, "赵县"), COUNTY_GROUP)
    dept = Person(fake, fake.user(5001, "住建刘"), DEPT_GROUP)
    ref, card = await _reported(fake, alice, "老旧小区外墙脱落，有安全隐患")

    # A village has no departments: 交办督办 is refused politely.
    menu = await village.press(card, "研判", expect="处置方式")
    refused = await village.press_for_alert(menu, "交办督办")
    assert "没有配置职能部门" in refused.params["text"]

    # Village → township, with a reason; the village card now shows where it is.
    prompt = await village.press(card, "上报", expect="上报的理由")
    mark = fake.mark()
    await fake.send_text(village.user, "涉及房屋安全，网格无力处置", chat=village.chat, reply_to=prompt)
    up = await card_in_group(fake, since=mark, headline="下级上报", chat_id=TOWNSHIP_GROUP)
    await township.screen("网格无力处置", since=mark)
    await alice.screen(["已上报至", "葛城街道", "前答复"], since=mark)
    moved = await village.screen("当前在：葛城街道", since=mark)
    assert labels(moved) == ["📄 详情"]
    refused = await village.press_for_alert(card, "研判", data=_card_data(card, "研判"))
    assert "无权" in refused.params["text"]

    # Township → county.
    prompt = await township.press(up, "上报", expect="上报的理由")
    mark = fake.mark()
    await fake.send_text(township.user, "需县住建委鉴定", chat=township.chat, reply_to=prompt)
    top = await card_in_group(fake, since=mark, headline="下级上报", chat_id=COUNTY_GROUP)
    assert "上报" not in " ".join(labels(top))  # nothing above the county
    await alice.screen(["城口县"], since=mark)

    # The county assigns its 住建委; the department's group gets the card and its reply reaches the citizen.
    menu = await county.press(top, "研判", expect="处置方式")
    departments = await county.press(menu, "交办督办", expect="职能部门")
    deadlines = await county.press(departments, "县住建委", expect="办理时限")
    calendar = await county.press(deadlines, "指定日期", expect="只列出工作日")
    picked = labels(calendar)[5]  # the sixth working day from today
    mark = fake.mark()
    await fake.press(county.user, calendar, _card_data(calendar, picked))
    dept_card = await card_in_group(fake, since=mark, headline="交办督办", chat_id=DEPT_GROUP)
    assert labels(dept_card) == ["✅ 办结", "⏳ 申请延期", "📄 详情"]
    await alice.screen(["县住建委", "前答复"], since=mark)
    mark = fake.mark()
    await fake.send_text(dept.user, "已安排专业人员明天上门鉴定", chat=dept.chat, reply_to=dept_card)
    await alice.screen(["「县住建委」回复", "明天上门鉴定"], since=mark)
    await dept.screen("已转达", since=mark)

    # The county sends it back down to the township with a note.
    top_now = fake.message(COUNTY_GROUP, top["message_id"])
    prompt = await county.press(top_now, "退回", expect="退回的说明")
    mark = fake.mark()
    await fake.send_text(county.user, "鉴定后由街道组织维修", chat=county.chat, reply_to=prompt)
    back = await card_in_group(fake, since=mark, headline="上级退回", chat_id=TOWNSHIP_GROUP)
    await alice.screen(["转回", "葛城街道"], since=mark)

    # And the township sends it on down to the village, where it began.
    prompt = await township.press(back, "退回", expect="退回的说明")
    mark = fake.mark()
    await fake.send_text(township.user, "请社区配合维修", chat=township.chat, reply_to=prompt)
    home = await card_in_group(fake, since=mark, headline="上级退回", chat_id=VILLAGE_GROUP)
    assert "退回" not in " ".join(labels(home)) and "上报" in " ".join(labels(home))
    await alice.screen(["转回", "南大街社区"], since=mark)
    issue = await _issue(running.settings, ref)
    assert issue.status == "received" and issue.disposition is None and issue.deadline is not None
    assert picked.split()[0] in " ".join(m.get("text", "") for m in fake.sent_messages(1001))

    # The 09:00 digest reaches the department's group too.
    assert running.app is not None
    mark = fake.mark()
    summary = str(await run_job(catalogue()["daily-digest"], running.app.services, datetime.now(UTC)))
    assert "4 groups" in summary  # village, township, county, and the department
    await dept.screen(["县住建委 · 每日督办", "交办在办：0 件"], since=mark)


def _card_data(message: dict, label: str) -> str:
    from tests.harness import button_data

    return button_data(message, label)


async def test_liaison_answers_and_resolves_in_a_private_chat(running: RunningBot, fake: FakeTelegram) -> None:
    await bind(fake, TOWNSHIP_GROUP, "GC")  # the village has no group: the township's holds its issues
    await enlist_liaison(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    township = Person(fake, fake.user(3001, "张镇"), TOWNSHIP_GROUP)
    liaison = Person(fake, fake.user(LIAISON_ID, "城管小周"))
    mark = fake.mark()
    ref = ref_of(await report(alice, text="夜市摊位占道经营，车过不去"))
    card = await card_in_group(fake, since=mark, chat_id=TOWNSHIP_GROUP)
    assert "⬇️ 退回" not in labels(card)  # no village group to send it back to

    menu = await township.press(card, "研判", expect="处置方式")
    departments = await township.press(menu, "交办督办", expect="职能部门")
    deadlines = await township.press(departments, "城管办", expect="办理时限")
    mark = fake.mark()
    await fake.press(township.user, deadlines, _card_data(deadlines, "3 个工作日"))
    private_card = await liaison.screen(["交办督办", ref], since=mark)
    assert labels(private_card) == ["✅ 办结", "⏳ 申请延期", "📄 详情"]

    mark = fake.mark()
    await fake.send_text(liaison.user, "今晚联合执法清理", reply_to=private_card)
    await alice.screen(["「葛城街道城管办」回复", "今晚联合执法清理"], since=mark)
    await liaison.screen("已转达", since=mark)

    mark = fake.mark()
    await fake.press(liaison.user, private_card, _card_data(private_card, "办结"))
    prompt = await liaison.screen("办结说明", since=mark)
    mark = fake.mark()
    await fake.send_text(liaison.user, "占道摊位已清理", reply_to=prompt)
    await alice.screen(["已办结", "占道摊位已清理"], since=mark)
    await township.screen(["已办结"], since=mark)
