"""Forged callback data — another issue's id, an action the button never offered — is refused
politely on the server and logged."""

from __future__ import annotations

import logging

import pytest

from tests.fake_telegram import FakeTelegram
from tests.harness import Person, RunningBot
from tests.test_core_loop import GROUP_ID, bind_group, card_in_group, report


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
