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
from typer.testing import CliRunner

from bot.app import Gridline, prepare_database
from bot.cli import app as cli
from bot.open311.keys import create_key
from bot.open311.web import PREFIX, mount, serve_alone
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
    assert "No API keys" in runner.invoke(cli, ["apikey", "list"]).output
    missing = runner.invoke(cli, ["apikey", "revoke", "12345"])
    assert missing.exit_code == 2 and "No key named" in missing.output
