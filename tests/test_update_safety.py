"""An update being handled when the process dies is not lost, and 确认提交 makes one issue however
often it is handled (hole 6 of issue 16); webhook mode answers Telegram only after handling, a stop
waits for the updates under way, and a second poller of the same token is named at once. Long
polling keeps what it takes in the inbox before confirming it."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import func, select

from bot.app import Gridline, prepare_database
from bot.domain.enums import ActorRole
from bot.issues.draft import IssueDraft
from bot.issues.service import Actor
from bot.polling import CONFLICT
from bot.services import Services
from storage.database import Database
from storage.models import Issue, PendingUpdate, ProcessedUpdate
from tests.fake_telegram import ApiCall, FakeTelegram, Fault
from tests.harness import TOKEN, Person, RunningBot, button_data, make_settings

SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def to_review(citizen: Person) -> dict:
    """The report conversation up to the review (确认提交 not pressed)."""
    fake = citizen.fake
    menu = await citizen.say("/start", expect="民情直通车")
    screen = await citizen.press(menu, "反映问题", expect="乡镇")
    screen = await citizen.press(screen, "葛城街道", expect="村（社区）")
    screen = await citizen.press(screen, "南大街社区", expect="类别")
    screen = await citizen.press(screen, "环境卫生", expect="描述问题")
    screen = await citizen.say("路灯坏了一个星期", expect="文字已记录")
    pressed = fake.mark()
    await fake.press(citizen.user, screen, button_data(screen, "下一步"))
    await citizen.screen("联系电话", since=pressed)
    mark = fake.mark()
    await fake.send_contact(citizen.user, phone_number="13812345678")
    return await citizen.screen("请核对", since=mark)


async def started(fake: FakeTelegram, method: str, *, since: int, where, timeout: float = 30) -> ApiCall:  # type: ignore[no-untyped-def]
    """The first call of `method` since `since` that has reached the fake, answered or not."""
    for _ in range(int(timeout / 0.02)):
        for call in fake.requests[since:]:
            if call.method == method and where(call):
                return call
        await asyncio.sleep(0.02)
    raise AssertionError(f"no {method} within {timeout}s")


async def count_rows(url: str, model: type) -> int:
    db = Database(url)
    try:
        async with db.session() as s:
            return int((await s.exec(select(func.count()).select_from(model))).one())
    finally:
        await db.dispose()


async def count_issues(url: str) -> int:
    return await count_rows(url, Issue)


async def test_confirming_the_same_review_twice_makes_one_issue(tmp_path: Path, fake: FakeTelegram) -> None:
    services = Services.build(make_settings(tmp_path, fake))
    await prepare_database(services)
    try:
        grid = await services.directory.grid_by_code("GC01")
        category = (await services.directory.categories())[0]
        assert grid is not None and grid.id is not None and category.id is not None
        draft = IssueDraft(grid_id=grid.id, category_id=category.id, description="井盖丢了", submission="k1")
        citizen = Actor(ActorRole.CITIZEN, 1001, "Alice")
        first = await services.flows.submit(draft=draft, citizen=citizen)
        again = await services.flows.submit(draft=draft, citizen=citizen)
        other = await services.flows.submit(draft=draft.model_copy(update={"submission": "k2"}), citizen=citizen)
        assert again == first and other.ref != first.ref
        # Another citizen cannot reach the issue with the same key: a new one is made for them.
        stranger = await services.flows.submit(draft=draft, citizen=Actor(ActorRole.CITIZEN, 1002, "Bob"))
        assert stranger.ref not in (first.ref, other.ref)
    finally:
        await services.db.dispose()
    assert await count_issues(services.settings.database_url) == 3


async def _start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    gridline = Path(sys.executable).with_name("gridline")
    return await asyncio.create_subprocess_exec(
        str(gridline), "run", env=env, stdout=log.open("ab"), stderr=asyncio.subprocess.STDOUT
    )


async def test_confirm_cut_short_by_sigkill_is_handled_once_after_restart(tmp_path: Path, fake: FakeTelegram) -> None:
    """Killed while 确认提交 is being answered (the issue committed, the answer not yet sent): the
    press, kept in the inbox, is handled again after the restart, and finds the same issue instead
    of making another."""
    url = f"sqlite:///{tmp_path / 'g.db'}"
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": url,
        "TELEGRAM_API_BASE": fake.base_url,
        "FLOOD_GLOBAL_PER_SECOND": "1000",
        "FLOOD_PRIVATE_PER_SECOND": "1000",
        "FLOOD_GROUP_PER_MINUTE": "60000",
    }
    env.pop("REDIS_URL", None)
    log = tmp_path / "bot.log"
    alice = Person(fake, fake.user(1001, "Alice"))
    bot = await _start(env, log)
    try:
        await fake.wait_polling(timeout=60)
        review = await to_review(alice)
        fake.inject(Fault(method="editMessageText", chat_id=alice.chat_id, delay=60, where=_submitted))
        mark = fake.mark()
        await fake.press(alice.user, review, button_data(review, "确认提交"))
        await started(fake, "editMessageText", since=mark, where=lambda c: _submitted(c.params))
        # Confirmed to Telegram already (it will not send the press again): the inbox brings it back.
        await fake.wait_consumed(fake.last_update_id())
    finally:
        bot.send_signal(signal.SIGKILL)
        await bot.wait()
    assert await count_issues(url) == 1
    fake.clear_faults()

    mark = fake.mark()
    bot = await _start(env, log)
    try:
        answer = await alice.screen("提交成功", since=mark, timeout=60)
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 30)
    assert await count_issues(url) == 1
    assert await count_rows(url, PendingUpdate) == 0  # what was handled has left the inbox
    assert "GL-" in answer["text"]
    assert "Traceback" not in log.read_text(errors="replace")


def _submitted(params: dict) -> bool:
    return "提交成功" in str(params.get("text", ""))


async def test_webhook_answers_after_handling_and_a_stop_waits(tmp_path: Path, fake: FakeTelegram) -> None:
    port = free_port()
    settings = make_settings(
        tmp_path, fake, webhook_url="https://gridline.example.org", webhook_port=port, webhook_secret=SECRET
    )
    app = Gridline(settings)
    task = asyncio.create_task(app.run_webhook(handle_signals=False))
    alice = fake.user(1001, "Alice")
    try:
        await fake.wait_for("setWebhook", timeout=30)
        # The answer to /help takes a while to reach Telegram.
        fake.inject(Fault(method="sendMessage", chat_id=alice.id, delay=1.5))
        message = fake.new_message(fake.chats[alice.id], alice.to_json(), {"text": "/help"}, by_bot=False)
        mark = fake.mark()
        async with aiohttp.ClientSession() as http:
            posted = asyncio.create_task(
                http.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    json={"update_id": 7, "message": message},
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
            )
            answering = await started(fake, "sendMessage", since=mark, where=lambda c: c.chat_id == alice.id)
            assert not answering.done and not posted.done()  # no 200 while the update is being handled
            await app.stop()  # SIGTERM: the update under way finishes first
            response = await posted
            assert response.status == 200
            assert answering.done and answering.ok  # answered before the 200, with the bot session still open
            response.release()
        await asyncio.wait_for(task, 30)
    finally:
        if not task.done():
            await app.stop()
            await asyncio.wait_for(task, 30)
    db = Database(settings.database_url)
    async with db.session() as s:
        assert await s.get(ProcessedUpdate, 7) is not None  # recorded before the database closed
    await db.dispose()


async def test_a_second_poller_is_named(tmp_path: Path, fake: FakeTelegram, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.polling")
    first = RunningBot(make_settings(tmp_path / "a", fake), fake)
    second = RunningBot(make_settings(tmp_path / "b", fake), fake)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    await first.start()
    try:
        await second.start()
        try:
            for _ in range(200):
                if any(CONFLICT in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.05)
            conflicts = [r for r in caplog.records if CONFLICT in r.getMessage()]
            assert conflicts and all(r.levelno == logging.ERROR for r in conflicts)
        finally:
            await second.stop()
    finally:
        await first.stop()


async def test_updates_not_kept_are_not_confirmed(
    running: RunningBot, fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    """While the inbox cannot be written (its table renamed away by another connection), polling
    confirms nothing it took and says why in one line per attempt; once it can, the update is
    handled, once."""
    caplog.set_level(logging.WARNING, logger="bot.polling")
    path = running.settings.database_url.removeprefix("sqlite:///")
    alice = fake.user(1001, "Alice")
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE pendingupdate RENAME TO pendingupdate_away")
    mark = fake.mark()
    await fake.send_text(alice, "/help")
    update_id = fake.last_update_id()
    for _ in range(300):
        if any("cannot keep updates in the database" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError("no line about the inbox")
    await asyncio.sleep(0.3)  # the poller is waiting to try again
    assert fake.updates_consumed() < update_id
    assert [c for c in fake.requests[mark:] if c.method == "sendMessage"] == []
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE pendingupdate_away RENAME TO pendingupdate")
    await fake.wait_for("sendMessage", chat_id=alice.id, since=mark, timeout=15)
    await fake.wait_consumed(update_id)
    await asyncio.sleep(0.3)
    assert len([c for c in fake.requests[mark:] if c.method == "sendMessage"]) == 1
    assert "Traceback" not in caplog.text
