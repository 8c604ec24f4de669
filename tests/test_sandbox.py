"""The sandbox without a browser: its world, its guard against other origins, its clock, what it
serves back, and that nothing in it points outside this machine."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import Settings
from bot.sandbox.app import Sandbox
from bot.sandbox.cli import _loopback
from bot.sandbox.world import CHATS

POST = {"X-Sandbox": "1"}


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    box = Sandbox(port=0)
    await box.start()
    try:
        yield box
    finally:
        await box.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_nothing_points_outside(sandbox: Sandbox) -> None:
    settings = sandbox.settings
    assert settings.telegram_api_base.startswith("http://127.0.0.1:")
    assert settings.wecom_api_base.startswith("http://127.0.0.1:")
    assert settings.webhook_url is None and sandbox.host == "127.0.0.1"
    assert settings.database_url.startswith("sqlite:///") and "gridline-sandbox-" in settings.database_url
    assert settings.demo_org_file is not None and settings.demo_org_file.name == "demo-county.yaml"


async def test_every_role_is_cast(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    """Each speaker holds the role the page says (as an invitation gives it), each group is bound."""
    services = sandbox.gridline.services  # type: ignore[union-attr]
    for chat in CHATS:
        if chat.role is not None:
            held = await services.invitations.roles_of(chat.speaker.user_id)
            role, target = chat.role
            # A deputy's grant is scoped by the deputy's id; the others by the code invited to.
            assert any(r == role and (s == target or role == "deputy") for r, s in held), (chat.title, held)
        if chat.grid_code:
            grid = await services.groups.grid_of(chat.chat_id)
            assert grid is not None and grid.code == chat.grid_code
    async with http.get(sandbox.url + "api/state") as response:
        state = await response.json()
    kinds = {c["kind"] for c in state["chats"]}
    assert kinds == {"citizen", "grid", "department", "deputy", "admin"}
    assert {"张三", "李四"} <= {c["title"] for c in state["chats"]}


async def test_posts_need_the_sandbox_header(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    url = sandbox.url + "api/chats/10001/text"
    async with http.post(url, json={"text": "/start"}) as response:
        assert response.status == 403
    await asyncio.sleep(0.3)
    assert sandbox.telegram.messages(10001) == []  # no message from 张三, so no answer either
    mark = sandbox.telegram.mark()
    async with http.post(url, json={"text": "/start"}, headers=POST) as response:
        assert response.status == 200
    await sandbox.telegram.wait_for("sendMessage", chat_id=10001, since=mark)
    async with http.post(sandbox.url + "api/chats/424242/text", json={"text": "hi"}, headers=POST) as response:
        assert response.status == 404


async def test_the_clock_only_moves_forward_and_runs_what_fell_due(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    before = sandbox.clock.now()
    past = (before - timedelta(hours=1)).isoformat()
    async with http.post(sandbox.url + "api/clock", json={"to": past}, headers=POST) as response:
        assert response.status == 400
    target = before + timedelta(days=1, hours=1)
    async with http.post(sandbox.url + "api/clock", json={"to": target.isoformat()}, headers=POST) as response:
        result = await response.json()
    assert sandbox.clock.now() >= target
    ran = {line.split(":")[0] for line in result["ran"]}
    assert {"outbox-prune", "deputy-digest", "duty-day", "duty-eve"} <= ran  # daily jobs, a day later
    # Messages carry the sandbox's time.
    mark = sandbox.telegram.mark()
    async with http.post(sandbox.url + "api/chats/10001/text", json={"text": "/start"}, headers=POST) as response:
        assert response.status == 200
    call = await sandbox.telegram.wait_for("sendMessage", chat_id=10001, since=mark)
    assert call.result["date"] >= int(target.timestamp())


async def test_only_uploaded_images_are_served_back(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    form = aiohttp.FormData()
    form.add_field("photo", b"<script>alert(1)</script>", filename="x.png", content_type="image/png")
    async with http.post(sandbox.url + "api/chats/10001/photo", data=form, headers=POST) as response:
        assert response.status == 400
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    form = aiohttp.FormData()
    form.add_field("photo", png, filename="x.png", content_type="image/png")
    mark = sandbox.telegram.mark()
    async with http.post(sandbox.url + "api/chats/10001/photo", data=form, headers=POST) as response:
        assert response.status == 200
    await sandbox.telegram.wait_for(None, chat_id=10001, since=mark)  # the bot answered the photo
    (file_id,) = [f for f in sandbox.telegram.files if f.startswith("sandbox-photo-")]
    async with http.get(sandbox.url + f"api/files/{file_id}") as response:
        assert response.status == 200 and response.content_type == "image/png" and await response.read() == png
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    async with http.get(sandbox.url + "api/files/unknown") as response:
        assert response.status == 404


async def test_the_page_runs_only_its_own_code(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get(sandbox.url) as response:
        page = await response.text()
        policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "http://" not in page and "https://" not in page  # no CDN: everything from the package
    for asset in ("static/app.js", "static/app.css", "font/cjk.ttf"):
        async with http.get(sandbox.url + asset) as response:
            assert response.status == 200, asset
    async with http.get(sandbox.url + "static/app.js") as response:
        script = await response.text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_a_host_beyond_loopback_is_warned_about(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_LOCALE", "en")  # the lines below are the English texts
    assert _loopback("127.0.0.1") and _loopback("::1") and _loopback("localhost")
    assert not _loopback("0.0.0.0") and not _loopback("192.168.1.5")
    with socket.socket() as taken:  # the page's port is taken: the command stops at once, politely
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["sandbox", "--host", "0.0.0.0", "--port", str(port)])
    assert "WARNING" in result.output and "anyone" in result.output
    assert result.exit_code == 1 and f"Cannot listen on 0.0.0.0:{port}" in result.output


def test_port_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    monkeypatch.setenv("SANDBOX_PORT", "9123")
    assert Settings().sandbox_port == 9123
    monkeypatch.setenv("SANDBOX_PORT", "70000")
    result = CliRunner().invoke(cli, ["sandbox"])
    assert result.exit_code == 2 and "SANDBOX_PORT" in result.output and "65535" in result.output
