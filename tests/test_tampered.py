"""Forged callback data — another issue's id, an action the button never offered — is refused
politely on the server and logged."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.sandbox.botapi import FakeTelegram
from storage.database import Database
from storage.models import Issue
from tests.harness import Person, RunningBot, button_data
from tests.test_core_loop import GROUP_ID, WORKER, bind_group, card_in_group, report
from tests.triage_helpers import ref_of


async def _forge(person: Person, message: dict, data: str) -> str:
    fake = person.fake
    query = await fake.press(person.user, message, data, require_button=False)
    answer = await fake.wait_for("answerCallbackQuery", where=lambda c: c.params["callback_query_id"] == query["id"])
    return answer.params.get("text", "")


async def test_forged_buttons_are_refused_and_logged(
    running: RunningBot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    mallory = Person(fake, fake.user(1666, "Mallory"))
    wang = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    start = fake.mark()
    await report(alice, text="路面塌陷")
    card = await card_in_group(fake, since=start)
    issue_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[-1])
    await wang.press_for_alert(card, "认领")

    refusals = {
        # another issue's id (it does not exist)
        "c1:claim:99999": "没有找到",
        # an action the card no longer offers: claiming a claimed issue
        f"c1:claim:{issue_id}": "不能进行这个操作",
        # an action no button ever offered
        f"c1:delete:{issue_id}": "按钮已失效",
        # the full phone number without being responsible for the issue (Mallory is no worker)
        f"ph1:{issue_id}": "无权",
    }
    stranger = Person(fake, fake.user(3003, "路人"), GROUP_ID)
    for data, expected in refusals.items():
        text = await _forge(stranger if data.startswith("ph1") else wang, card, data)
        assert expected in text, (data, text)
    # Another citizen's issue, from a private chat.
    menu = await mallory.say("/start", expect="民情直通车")
    assert "无权" in await _forge(mallory, menu, f"my1:0:{issue_id}")
    assert "无权" in await _forge(mallory, menu, f"rt1:{issue_id}:satisfied")

    logged = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    for data in [*refusals, f"my1:0:{issue_id}", f"rt1:{issue_id}:satisfied"]:
        assert any(repr(data) in line for line in logged), (data, logged)


async def test_forged_triage_presses_are_refused_and_change_nothing(
    running: RunningBot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """The 研判 deadline picker offers 1, 3, 5 and 10 working days (and the category's default) and
    the next working days as dates: data carrying any other deadline sets nothing."""
    caplog.set_level(logging.WARNING)
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    wang = Person(fake, fake.user(*WORKER), GROUP_ID)
    start = fake.mark()
    ref = ref_of(await report(alice, text="路灯不亮"))
    card = await card_in_group(fake, since=start)
    issue_id = int(card["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[-1])
    menu = await wang.press(card, "研判", expect="处置方式")
    deadlines = await wang.press(menu, "立即办理", expect="办理时限")

    me, today = WORKER[0], date.today()
    refusals = {
        # well-formed, but a deadline the picker never offered
        f"tg2:hp:{issue_id}::9999::{me}": "无权",
        f"tg2:hdd:{issue_id}::9999::": "无权",
        f"tg2:hp:{issue_id}::2::{me}": "无权",  # within what a flow accepts (1 to 60), not on offer
        f"tg2:hp:{issue_id}:::{today + timedelta(days=400):%Y%m%d}:{me}": "无权",  # beyond the calendar
        f"tg2:hp:{issue_id}:::{today - timedelta(days=2):%Y%m%d}:{me}": "无权",  # in the past
        # malformed: no handler takes it
        f"tg2:hp:{issue_id}::5::": "按钮已失效",  # no responsible person
        f"tg2:hp:{issue_id}::five::{me}": "按钮已失效",
        f"tg2:hp:{issue_id}::5:{today:%Y%m%d}:{me}": "按钮已失效",  # two deadlines
        # the packed shape of before (prefix tg1), pressed on a menu sent before the upgrade
        f"tg1:hp:{issue_id}:5_{me}": "按钮已失效",
    }
    for data, expected in refusals.items():
        text = await _forge(wang, deadlines, data)
        assert expected in text, (data, text)

    db = Database(running.settings.database_url)
    try:
        async with db.session() as s:
            issue = (await s.exec(select(Issue).where(Issue.ref == ref))).one()
    finally:
        await db.dispose()
    assert issue.deadline is None and issue.disposition is None and issue.assignee_id is None
    assert issue.status == "received"
    logged = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    for data in refusals:
        assert any(repr(data) in line for line in logged), (data, logged)

    # The menu itself still works.
    people = await wang.press(deadlines, "5 个工作日", expect="责任人")
    mark = fake.mark()
    await fake.press(wang.user, people, button_data(people, "王芳"))
    await wang.screen(["研判结果：立即办理", "办理时限"], since=mark)
