"""WeCom (企业微信) group robots: set up from the command line, delivered by the outbox through the
WeCom transport to a fake WeCom endpoint, paced to 20 a minute a robot, the key kept secret."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.clock import SystemClock
from bot.domain.enums import GridLevel
from bot.outbox.queue import enqueue
from bot.outbox.sender import OutboxSender
from bot.sandbox.botapi import FakeTelegram
from bot.wecom.delivery import CONTENT_LIMIT, WeComTransport, fit
from bot.wecom.robots import list_robots, remove_robot, set_robot
from storage.database import Database
from storage.models import Department, Grid, OutboxMessage, OutboxStatus, WeComRobot
from tests.fake_wecom import FakeWeCom, Fault
from tests.harness import RunningBot, make_settings

KEY = "25e1862e-d324-4a27-b3a8-beb71dae1597"
OTHER_KEY = "9b0c3d4e-aaaa-4bbb-8ccc-0123456789ab"
THIRD_KEY = "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"
ALICE = 1001

runner = CliRunner()
clock = SystemClock()


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DEFAULT_LOCALE", "en")  # the tests match the English texts
    return url


def _robots(url: str) -> list[WeComRobot]:
    async def read() -> list[WeComRobot]:
        db = Database(url)
        try:
            await db.create_all()
            async with db.session() as s:
                return list((await s.exec(select(WeComRobot))).all())
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_cli_set_list_and_remove(cli_db: str) -> None:
    added = runner.invoke(cli, ["wecom", "set", "GC01", KEY])
    assert added.exit_code == 0, added.output
    assert "grid GC01 南大街社区" in added.output and "25e1****1597" in added.output
    url = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={OTHER_KEY}"
    department = runner.invoke(cli, ["wecom", "set", "CK-SW", url])  # the whole address will do
    assert department.exit_code == 0, department.output
    from_stdin = runner.invoke(cli, ["wecom", "set", "GC01", "-"], input=OTHER_KEY + "\n")  # a new key
    assert from_stdin.exit_code == 0 and "New key" in from_stdin.output

    listed = runner.invoke(cli, ["wecom", "list"])
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:3] == ["grid", "GC01", "9b0c****89ab"] and "南大街社区" in lines[0]
    assert lines[1].split()[:3] == ["department", "CK-SW", "9b0c****89ab"] and "县水务局" in lines[1]
    assert KEY not in listed.output and OTHER_KEY not in listed.output + added.output + department.output

    robots = _robots(cli_db)
    assert sorted((r.grid_id is None, r.key) for r in robots) == [(False, OTHER_KEY), (True, OTHER_KEY)]

    removed = runner.invoke(cli, ["wecom", "remove", "GC01"])
    assert removed.exit_code == 0 and "GC01" in removed.output
    assert [r.department_id is not None for r in _robots(cli_db)] == [True]
    assert "GC01" not in runner.invoke(cli, ["wecom", "list"]).output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["set", "NOPE", KEY], "No grid or department with code 'NOPE'"),
        (["set", "GC01", "not-a-key"], "not a WeCom robot key"),
        (["set", "GC01", KEY[:-1]], "not a WeCom robot key"),
        (["set", "GC01", KEY.replace("-", "_")], "not a WeCom robot key"),
        (["set", "GC01", f"https://example.com/cgi-bin/webhook/send?key={KEY}"], "not a WeCom robot webhook address"),
        (["set", "GC01", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?id=1"], "has no key"),
        (["remove", "NOPE"], "No grid or department with code 'NOPE'"),
        (["remove", "GC02"], "GC02 has no WeCom robot"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(cli_db: str, args: list[str], says: str) -> None:
    result = runner.invoke(cli, ["wecom", *args])
    assert result.exit_code == 2
    assert says in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _robots(cli_db) == []  # nothing written
    if "key" in says:
        assert KEY[-12:] not in result.output  # a mistyped key is not echoed either


# -- delivery ------------------------------------------------------------------------------------


@pytest.fixture
async def wecom() -> AsyncIterator[FakeWeCom]:
    async with FakeWeCom() as server:
        yield server


async def _database(url: str) -> Database:
    database = Database(url)
    await database.create_all()
    async with database.transaction() as s:
        township = Grid(code="GC", name="葛城街道", level=GridLevel.TOWNSHIP)
        s.add(township)
        await s.flush()
        s.add(Grid(code="GC01", name="南大街社区", level=GridLevel.VILLAGE, parent_id=township.id))
        s.add(Grid(code="GC02", name="东大街社区", level=GridLevel.VILLAGE, parent_id=township.id))
        s.add(Department(code="GC-CG", name="葛城街道城管办", grid_id=township.id))
    return database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await _database(f"sqlite:///{tmp_path / 'wecom.db'}")
    yield database
    await database.dispose()


async def add_robot(db: Database, fake: FakeWeCom, code: str, key: str) -> int:
    async with db.transaction() as s:
        robot, _ = await set_robot(s, code=code, key=key, now=clock.now())
    fake.add_robot(key)
    return robot.id


async def queue(db: Database, robot_id: int, *contents: str, sender: OutboxSender | None = None) -> None:
    async with db.transaction() as s:
        for content in contents:
            enqueue(
                s, channel="wecom", chat_id=robot_id, method="markdown", params={"content": content}, now=clock.now()
            )
    if sender is not None:
        sender.wake()


async def rows(db: Database, chat_id: int, channel: str = "wecom") -> list[OutboxMessage]:
    async with db.session() as s:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.channel == channel, OutboxMessage.chat_id == chat_id)
            .order_by(col(OutboxMessage.id))
        )
        return list((await s.exec(query)).all())


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def all_settled(db: Database, robot_id: int, status: OutboxStatus) -> bool:
    return all(row.status == status for row in await rows(db, robot_id))


@asynccontextmanager
async def delivering(
    db: Database, fake: FakeWeCom, *, limit: float = 20, window: float = 60.0, **sender_options: object
) -> AsyncIterator[OutboxSender]:
    """The WeCom side as the app wires it: a sender of its own, with the transport, running."""
    transport = WeComTransport(db, api_base=fake.base_url, limit=limit, window=window, request_timeout=0.5)
    sender = OutboxSender(
        transport=transport,
        db=db,
        clock=clock,
        reads_on=lambda _robot_id: True,
        remember_unreachable=False,
        **sender_options,  # type: ignore[arg-type]
    )
    task = asyncio.create_task(sender.run())
    try:
        yield sender
    finally:
        await sender.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await transport.close()


async def test_the_app_delivers_both_channels_from_one_transaction(
    tmp_path: Path, fake: FakeTelegram, wecom: FakeWeCom
) -> None:
    """Rows for two robots and a Telegram chat, queued together: the app's waker wakes both senders,
    each delivers its own channel's rows, in order, and nothing is lost."""
    fake.user(ALICE, "Alice")
    settings = make_settings(tmp_path, fake, wecom_api_base=wecom.base_url, wecom_per_minute=600)
    bot = RunningBot(settings, fake)
    app = await bot.start()
    try:
        village = await add_robot(app.db, wecom, "GC01", KEY)
        department = await add_robot(app.db, wecom, "CK-SW", OTHER_KEY)
        mark = fake.mark()
        async with app.db.transaction() as s:
            for n in range(12):
                for robot_id in (village, department):
                    enqueue(
                        s,
                        channel="wecom",
                        chat_id=robot_id,
                        method="markdown",
                        params={"content": f"**新诉求** #{n}"},
                        now=app.services.clock.now(),
                    )
            enqueue(s, chat_id=ALICE, method="sendMessage", params={"text": "回复"}, now=app.services.clock.now())
        expected = [f"**新诉求** #{n}" for n in range(12)]
        assert await wecom.wait_received(KEY, 12) == expected
        assert await wecom.wait_received(OTHER_KEY, 12) == expected
        await fake.wait_for("sendMessage", chat_id=ALICE, since=mark, ok=True)
        await app.wecom_sender.drain(timeout=5)
        assert await all_settled(app.db, village, OutboxStatus.SENT)
        assert await all_settled(app.db, department, OutboxStatus.SENT)
        assert all(r.ok for r in wecom.requests) and len(wecom.requests) == 24  # once each
        assert not [c for c in fake.requests if c.method.lower() == "markdown"]  # not Telegram's to send
    finally:
        await bot.stop()


async def test_pacing_never_exceeds_the_robots_limit(db: Database, wecom: FakeWeCom) -> None:
    """25 messages to one robot at 20 per window: none refused with 45009, none lost, in order.
    The window is 2 s instead of WeCom's 60 on both sides, so the test takes seconds."""
    wecom.window = 2.0
    robot = await add_robot(db, wecom, "GC01", KEY)
    contents = [f"第 {n} 条" for n in range(25)]
    async with delivering(db, wecom, limit=20, window=2.0) as sender:
        await queue(db, robot, *contents, sender=sender)
        assert await wecom.wait_received(KEY, 25) == contents
        await sender.drain(timeout=5)
    attempts = wecom.attempts(KEY)
    assert [r.errcode for r in attempts] == [0] * 25  # no 45009: the pacing kept within the limit
    assert wecom.most_in_a_window(KEY) <= 20
    assert attempts[20].at - attempts[0].at >= 2.0  # the 21st had to wait for the window to move on
    assert [(r.status, r.attempts) for r in await rows(db, robot)] == [(OutboxStatus.SENT, 1)] * 25


async def test_rate_limit_and_network_errors_are_retried(db: Database, wecom: FakeWeCom) -> None:
    robot = await add_robot(db, wecom, "GC01", KEY)
    for fault in (
        Fault(errcode=45009, errmsg="api freq out of limit"),  # someone else posts with the robot too
        Fault(disconnect=True),
        Fault(http_status=502),
        Fault(errcode=-1, errmsg="system busy"),
        Fault(delay=1.0, errcode=-1),  # later than the transport waits (0.5 s)
    ):
        wecom.inject(fault)
    async with delivering(db, wecom, window=1.0, max_backoff=0.1) as sender:
        await queue(db, robot, "一", "二", "三", sender=sender)
        assert await wecom.wait_received(KEY, 3, timeout=15) == ["一", "二", "三"]
        await sender.drain(timeout=5)
        await eventually(lambda: _count(wecom, KEY, 8))  # the late answer to the one that timed out
    answers = wecom.attempts(KEY)
    assert [r.errcode for r in answers] == [45009, None, None, -1, -1, 0, 0, 0]
    assert answers[1].at - answers[0].at >= 1.0  # 45009: a whole window
    first, *others = await rows(db, robot)
    assert first.status == OutboxStatus.SENT and first.attempts == 5  # 45009 does not count as an attempt
    assert [(r.status, r.attempts) for r in others] == [(OutboxStatus.SENT, 1)] * 2


async def test_a_deleted_robot_is_gone_and_nothing_more_is_sent_to_it(db: Database, wecom: FakeWeCom) -> None:
    deleted = await add_robot(db, wecom, "GC01", KEY)
    working = await add_robot(db, wecom, "GC02", OTHER_KEY)
    wecom.delete_robot(KEY)  # removed from its group in WeCom: the key answers 93000
    async with db.transaction() as s:  # a Telegram chat that happens to have the robot's id
        enqueue(s, chat_id=deleted, method="sendMessage", params={"text": "telegram"}, now=clock.now())
    async with delivering(db, wecom) as sender:
        await queue(db, deleted, "一", "二", "三")
        await queue(db, working, "甲", "乙", sender=sender)
        assert await wecom.wait_received(OTHER_KEY, 2) == ["甲", "乙"]
        await eventually(lambda: all_settled(db, deleted, OutboxStatus.FAILED))
        assert [r.errcode for r in wecom.attempts(KEY)] == [93000]  # one try; the rest not sent
        assert all(
            (r.last_error or "").startswith("unreachable: WeCom 93000: invalid webhook url")
            for r in await rows(db, deleted)
        )
        [telegram] = await rows(db, deleted, channel="telegram")
        assert telegram.status == OutboxStatus.PENDING  # another channel's chat: untouched

        # Removed with `gridline wecom remove`: what is still queued fails without a request.
        async with db.transaction() as s:
            await remove_robot(s, code="GC02")
        await queue(db, working, "丙", sender=sender)
        await eventually(lambda: _last_failed(db, working))
    assert len(wecom.attempts(OTHER_KEY)) == 2
    last = (await rows(db, working))[-1]
    assert last.last_error == f"unreachable: WeCom robot {working} was removed"


async def _count(fake: FakeWeCom, key: str, count: int) -> bool:
    return len(fake.attempts(key)) >= count


async def _last_failed(db: Database, robot_id: int) -> bool:
    return (await rows(db, robot_id))[-1].status == OutboxStatus.FAILED


async def test_long_markdown_is_cut_and_malformed_rows_are_refused(db: Database, wecom: FakeWeCom) -> None:
    robot = await add_robot(db, wecom, "GC-CG", KEY)
    long = "## 超期督办\n" + "网格员请尽快处理。" * 300  # 8,000 bytes and more
    async with delivering(db, wecom) as sender:
        await queue(db, robot, long)
        async with db.transaction() as s:
            enqueue(s, channel="wecom", chat_id=robot, method="text", params={"content": "x"}, now=clock.now())
            enqueue(s, channel="wecom", chat_id=robot, method="markdown", params={"content": " "}, now=clock.now())
        await queue(db, robot, "最后一条", sender=sender)
        [cut, last] = await wecom.wait_received(KEY, 2)
        await sender.drain(timeout=5)
    assert len(cut.encode()) <= CONTENT_LIMIT and cut.endswith("…") and long.startswith(cut[:-1])
    assert last == "最后一条"
    statuses = [(r.status, r.last_error) for r in await rows(db, robot)]
    assert statuses == [
        (OutboxStatus.SENT, None),
        (OutboxStatus.FAILED, "WeCom robots take markdown messages, not 'text'"),
        (OutboxStatus.FAILED, "WeCom markdown message without content"),
        (OutboxStatus.SENT, None),
    ]


def test_fit_cuts_on_a_character_boundary() -> None:
    exact = "中" * 1365 + "a"  # 4,096 bytes
    assert fit(exact) == exact
    over = "中" * 1366  # 4,098 bytes
    assert fit(over) == "中" * 1364 + "…" and len(fit(over).encode()) == 4095


async def test_the_key_never_reaches_a_log_or_last_error(
    db: Database, wecom: FakeWeCom, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    robot = await add_robot(db, wecom, "GC01", KEY)
    wecom.inject(Fault(errcode=40001, errmsg="invalid param", echo_url=True))  # a proxy quoting the URL
    wecom.inject(Fault(disconnect=True))
    wecom.inject(Fault(http_status=503))
    async with delivering(db, wecom, max_backoff=0.1) as sender:
        await queue(db, robot, "一", "二", sender=sender)
        await wecom.wait_received(KEY, 1)
        wecom.delete_robot(KEY)
        await queue(db, robot, "三", sender=sender)
        await eventually(lambda: _last_failed(db, robot))
        logging.getLogger("aiohttp.client").warning("POST %s/cgi-bin/webhook/send?key=%s failed", wecom.base_url, KEY)
    errors = [r.last_error or "" for r in await rows(db, robot)]
    assert errors[0].startswith("WeCom 40001: invalid param (") and "key=<wecom-key>" in errors[0]
    assert errors[2].startswith("unreachable: WeCom 93000")
    assert "Server disconnected" in caplog.text and "WeCom HTTP 503" in caplog.text  # logged, retried
    assert "key=<wecom-key> failed" in caplog.text
    for text in [caplog.text, *errors]:
        assert KEY not in text and KEY[:8] not in text and KEY[-12:] not in text
    async with db.session() as s:
        stored = await s.get(WeComRobot, robot)
        views = await list_robots(s)
    assert KEY not in repr(stored) and KEY not in str(stored) and KEY not in repr(views)


async def test_a_robot_belongs_to_exactly_one_grid_or_department(db: Database) -> None:
    async with db.session() as s:
        grid = (await s.exec(select(Grid).where(Grid.code == "GC01"))).one()
        department = (await s.exec(select(Department).where(Department.code == "GC-CG"))).one()
    for owners in ({}, {"grid_id": grid.id, "department_id": department.id}):
        with pytest.raises(IntegrityError):
            async with db.transaction() as s:
                s.add(WeComRobot(key=KEY, added_at=clock.now(), **owners))
    async with db.transaction() as s:
        s.add(WeComRobot(key=KEY, added_at=clock.now(), grid_id=grid.id))
    with pytest.raises(IntegrityError):  # one robot a grid (`wecom set` changes its key instead)
        async with db.transaction() as s:
            s.add(WeComRobot(key=OTHER_KEY, added_at=clock.now(), grid_id=grid.id))


async def test_the_same_on_postgresql(postgres_url: str, wecom: FakeWeCom) -> None:
    database = await _database(postgres_url)
    try:
        await test_a_robot_belongs_to_exactly_one_grid_or_department(database)
        async with database.transaction() as s:
            await remove_robot(s, code="GC01")
        robot = await add_robot(database, wecom, "GC-CG", THIRD_KEY)
        async with delivering(database, wecom) as sender:
            await queue(database, robot, "一", "二", sender=sender)
            assert await wecom.wait_received(THIRD_KEY, 2) == ["一", "二"]
            await sender.drain(timeout=5)
        assert await all_settled(database, robot, OutboxStatus.SENT)
        async with database.session() as s:
            assert [(v.owner, v.code, v.key) for v in await list_robots(s)] == [("department", "GC-CG", "0a1b****c2d3")]
    finally:
        await database.dispose()


async def test_a_citizens_report_reaches_the_grids_robot_end_to_end(
    tmp_path: Path, fake: FakeTelegram, wecom: FakeWeCom
) -> None:
    """The running app: a new issue in a grid with a robot goes out through the flow, the notice,
    the WeCom channel, the outbox and the WeCom sender to the robot, while the citizen's push still
    goes by Telegram."""
    from bot.domain.enums import ActorRole
    from bot.issues.draft import IssueDraft
    from bot.issues.service import Actor
    from storage.models import Category

    fake.user(ALICE, "Alice")
    settings = make_settings(tmp_path, fake, wecom_api_base=wecom.base_url, wecom_per_minute=600)
    bot = RunningBot(settings, fake)
    app = await bot.start()
    try:
        await add_robot(app.db, wecom, "GC01", KEY)
        async with app.db.session() as s:
            grid = (await s.exec(select(Grid).where(Grid.code == "GC01"))).one()
            category = (await s.exec(select(Category))).first()
        assert grid.id is not None and category is not None and category.id is not None
        mark = fake.mark()
        draft = IssueDraft(grid_id=grid.id, category_id=category.id, description="井盖丢了 *小心* <危险>")
        summary = await app.services.flows.submit(draft=draft, citizen=Actor(ActorRole.CITIZEN, ALICE, "Alice"))
        [card] = await wecom.wait_received(KEY, 1)
        assert summary.ref in card and "**新诉求**" in card
        assert "井盖丢了 ＊小心＊ ＜危险＞" in card  # the citizen's text cannot format the robot's message
        await fake.wait_for("sendMessage", chat_id=ALICE, since=mark, ok=True)  # 已受理, by Telegram
    finally:
        await bot.stop()
