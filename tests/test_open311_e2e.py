"""Open311 with the real bot: a request a city system POSTs reaches the grid's group as a card
through the usual outbox, is worked there like any other, and the API shows its progress. The
API served inside the webhook server (OPEN311_ENABLED), alone (`gridline api`), and its keys' CLI."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from rich.cells import cell_len
from typer.testing import CliRunner

from bot.app import Gridline, prepare_database
from bot.cli import app as cli
from bot.config import Settings
from bot.open311.keys import create_key
from bot.open311.web import PREFIX, from_services, mount, serve_alone
from bot.services import Services
from tests import open311_spec as spec
from tests.fake_telegram import FakeTelegram
from tests.harness import Person, RunningBot, make_settings
from tests.test_core_loop import GROUP_ID, WORKER, bind_group, card_in_group

REPORTER = ("reporter@example.org", "13900001111", "李四光")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_posted_request_reaches_the_grid_group(running: RunningBot, fake: FakeTelegram) -> None:
    await bind_group(fake)
    assert running.app is not None
    services = running.app.services
    app = web.Application()
    mount(app, services)  # the API in the bot's own process, as inside the webhook server
    async with TestClient(TestServer(app)) as client:
        async with services.db.transaction() as s:
            key = await create_key(s, name="12345", now=services.clock.now())
        email, phone, name = REPORTER
        mark = fake.mark()
        form = {
            "api_key": key,
            "service_code": "environment",
            "attribute[grid]": "GC01",
            "lat": "31.95",
            "long": "108.66",
            "description": "南大街路灯不亮已经一周",
            "email": email,
            "phone": phone,
            "first_name": name,
        }
        async with client.post(f"{PREFIX}/requests.json", data=form) as response:
            assert response.status == 200
            created = await response.json()
        spec.created(created)
        ref = created[0]["service_request_id"]

        # The card reaches the group like a citizen's, the location under it; the reporter's contact does not.
        card = await card_in_group(fake, since=mark)
        assert ref in card["text"] and "环境卫生" in card["text"] and "南大街路灯不亮已经一周" in card["text"]
        await fake.wait_for("sendLocation", chat_id=GROUP_ID, since=mark)
        for call in fake.requests[mark:]:
            for secret in REPORTER:
                assert secret not in str(call.params), call.describe()

        # A worker claims it in the group; the API shows the step. No private chat hears of it: there is
        # no Telegram citizen to push to.
        worker = Person(fake, fake.users[WORKER[0]], GROUP_ID)
        claimed = fake.mark()
        await worker.press_for_alert(card, "认领")
        await worker.screen(["办理中", WORKER[1]], since=claimed)
        async with client.get(f"{PREFIX}/requests/{ref}.json") as response:
            shown = await response.json()
        spec.requests(shown)
        assert shown[0]["status"] == "open" and shown[0]["status_notes"] == "网格员已认领，正在办理"
        await fake.assert_nothing(None, since=mark, where=lambda c: isinstance(c.chat_id, int) and c.chat_id >= 0)


async def test_inside_the_webhook_server_when_enabled(tmp_path: Path, fake: FakeTelegram) -> None:
    for enabled, expected in ((True, 200), (False, 404)):
        port = _free_port()
        settings = make_settings(
            tmp_path, fake, webhook_url="https://gridline.example.org", webhook_port=port, open311_enabled=enabled
        )
        gridline = Gridline(settings)
        mark = fake.mark()
        task = asyncio.create_task(gridline.run_webhook(handle_signals=False))
        try:
            await fake.wait_for("setWebhook", since=mark)
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{port}{PREFIX}/services.json") as response,
            ):
                assert response.status == expected
                if enabled:
                    spec.services(await response.json())
        finally:
            await gridline.stop()
            await asyncio.wait_for(task, 15)


async def test_served_alone(tmp_path: Path, fake: FakeTelegram) -> None:
    port = _free_port()
    services = Services.build(make_settings(tmp_path, fake, open311_port=port))
    await prepare_database(services)
    stopped = asyncio.Event()
    task = asyncio.create_task(serve_alone(services, stopped, handle_signals=False))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}{PREFIX}/requests.json") as response:
                        assert response.status == 200
                        spec.requests(await response.json())
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("gridline api never answered")
    finally:
        stopped.set()
        await asyncio.wait_for(task, 15)
        await services.db.dispose()


async def test_posts_beyond_the_limit_per_key_are_refused(tmp_path: Path, fake: FakeTelegram) -> None:
    """`gridline api`'s own server: 3 POSTs a minute per key (OPEN311_POSTS_PER_MINUTE), then 429
    with Retry-After; another key, and reading, are not held back."""
    port = _free_port()
    services = Services.build(make_settings(tmp_path, fake, open311_port=port, open311_posts_per_minute=3))
    await prepare_database(services)
    async with services.db.transaction() as s:
        first = await create_key(s, name="12345", now=services.clock.now())
        second = await create_key(s, name="city-portal", now=services.clock.now())
    stopped = asyncio.Event()
    task = asyncio.create_task(serve_alone(services, stopped, handle_signals=False))
    base = f"http://127.0.0.1:{port}{PREFIX}"
    form = {"service_code": "environment", "attribute[grid]": "GC01", "description": "路灯不亮"}

    async def post(http: aiohttp.ClientSession, **fields: str) -> tuple[int, str | None, object]:
        async with http.post(f"{base}/requests.json", data={**form, **fields}) as response:
            assert response.content_type == "application/json"
            return response.status, response.headers.get("Retry-After"), await response.json()

    try:
        async with aiohttp.ClientSession() as http:
            await _answering(http, f"{base}/services.json")
            statuses = [(await post(http, api_key=first))[0] for _ in range(2)]
            statuses.append((await post(http, api_key=first, description=""))[0])  # a refused POST counts too
            assert statuses == [200, 200, 400]
            status, retry_after, body = await post(http, api_key=first)
            assert status == 429 and retry_after == "20"  # one more every 60/3 seconds
            spec.error(body, 429)
            assert "3 requests a minute" in body[0]["description"]  # type: ignore[index]
            assert (await post(http, api_key=second))[0] == 200  # per key
            async with http.get(f"{base}/requests.json") as response:
                assert response.status == 200  # reading is not limited
                assert len(await response.json()) == 3  # the refused POST filed nothing
    finally:
        stopped.set()
        await asyncio.wait_for(task, 15)
        await services.db.dispose()


async def _answering(http: aiohttp.ClientSession, url: str) -> None:
    """Wait until the server just started answers."""
    for _ in range(100):
        try:
            async with http.get(url) as response:
                assert response.status == 200
                return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise AssertionError("gridline api never answered")


def test_apikey_commands(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DEFAULT_LOCALE", "en")  # the lines below are the English texts
    runner = CliRunner()
    created = runner.invoke(cli, ["apikey", "create", "12345"])
    assert created.exit_code == 0, created.output
    key = re.search(r"gl311_[\w-]{43}", created.output)
    assert key, created.output
    again = runner.invoke(cli, ["apikey", "create", "12345"])
    assert again.exit_code == 2 and "already a key named" in again.output
    listed = runner.invoke(cli, ["apikey", "list"])
    assert listed.exit_code == 0 and "12345" in listed.output and key.group()[:10] in listed.output
    assert key.group() not in listed.output  # shown once only
    assert key.group() not in (tmp_path / "cli.db").read_bytes().decode("latin-1")  # stored hashed
    revoked = runner.invoke(cli, ["apikey", "revoke", "12345"])
    assert revoked.exit_code == 0 and "Revoked" in revoked.output
    assert "revoked 20" in runner.invoke(cli, ["apikey", "list"]).output  # listed still, with the date
    twice = runner.invoke(cli, ["apikey", "revoke", "12345"])
    assert twice.exit_code == 2 and "revoked already" in twice.output
    missing = runner.invoke(cli, ["apikey", "revoke", "54321"])
    assert missing.exit_code == 2 and "No key named" in missing.output


def _column_starts(line: str, cells: list[str]) -> tuple[int, ...]:
    """The terminal cell at which each of the line's cells starts."""
    starts, at = [], 0
    for cell in cells:
        at = line.index(cell, at)
        starts.append(cell_len(line[:at]))
        at += len(cell)
    return tuple(starts)


def test_apikey_list_shows_each_keys_requests(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`gridline apikey list`: per key its state, the requests filed with it and the last one's
    time; a revoked key stays listed with its requests, and its name stays taken. In Chinese (the
    default), its columns lined up in terminal cells."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TIMEZONE", "Asia/Shanghai")
    runner = CliRunner()

    def create(name: str) -> str:
        created = runner.invoke(cli, ["apikey", "create", name])
        assert created.exit_code == 0, created.output
        found = re.search(r"gl311_[\w-]{43}", created.output)
        assert found, created.output
        return found.group()

    def file(key: str, times: int) -> list[str]:
        async def go() -> list[str]:
            services = Services.build(Settings(_env_file=None))
            try:
                api = from_services(services)
                form = {"api_key": key, "service_code": "environment", "attribute[grid]": "GC01"}
                return [
                    (await api.submit({**form, "description": f"路灯不亮 {n}"}))[0]["service_request_id"]
                    for n in range(times)
                ]
            finally:
                await services.db.dispose()

        return asyncio.run(go())

    def listed() -> list[list[str]]:
        result = runner.invoke(cli, ["apikey", "list"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        rows = [re.split(r"\s{2,}", line.strip()) for line in lines]
        # Each column starts at the same terminal cell on every line (a Chinese character takes two).
        assert len({_column_starts(line, row) for line, row in zip(lines, rows, strict=True)}) == 1, result.output
        return rows

    old = create("12345")
    portal = create("city-portal")
    file(old, 2)
    assert runner.invoke(cli, ["apikey", "revoke", "12345"]).exit_code == 0
    new = create("12345-2")
    file(new, 1)

    lines = listed()
    assert len(lines) == 4
    header, *rows = lines
    assert header == ["名称", "密钥", "状态", "创建于", "提交诉求数", "最近提交", "最近使用"]
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
    (name, prefix, state, created, requests, last, used) = rows[0]
    assert (name, prefix, requests) == ("12345", old[:10] + "…", "2")
    assert state.startswith("已吊销 ") and stamp.match(state.removeprefix("已吊销 "))
    assert stamp.match(created) and stamp.match(last) and stamp.match(used)
    (name, prefix, state, created, requests, last, used) = rows[1]
    assert (name, prefix, state, requests) == ("12345-2", new[:10] + "…", "有效", "1")
    assert stamp.match(created) and stamp.match(last) and stamp.match(used)
    (name, prefix, state, created, requests, last, used) = rows[2]
    assert (name, prefix, state, requests, last, used) == (
        "city-portal",
        portal[:10] + "…",
        "有效",
        "0",
        "从未",
        "从未",
    )

    # The portal's key, revoked before it filed anything, is listed all the same.
    assert runner.invoke(cli, ["apikey", "revoke", "city-portal"]).exit_code == 0
    assert [(row[0], row[2].split()[0]) for row in listed()[1:]] == [
        ("12345", "已吊销"),
        ("12345-2", "有效"),
        ("city-portal", "已吊销"),
    ]
