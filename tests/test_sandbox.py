"""The sandbox without a browser: its world, its guard against other origins, its clock, what it
serves back, and that nothing in it points outside this machine."""

from __future__ import annotations

import asyncio
import re
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
from bot.sandbox.web import STATIC
from bot.sandbox.world import CHATS

POST = {"X-Sandbox": "1"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
SANDBOX = Path(__file__).resolve().parents[1] / "bot" / "sandbox"


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
    ran = {line.split(":")[0]: line for line in result["ran"]}
    assert {"outbox-prune", "deputy-digest", "duty-day", "duty-eve"} <= set(ran)  # daily jobs, a day later
    assert "已清理" in ran["outbox-prune"] and "已排队" in ran["duty-day"]  # in the page's language
    later = target + timedelta(days=1)
    url = sandbox.url + "api/clock?lang=en"
    async with http.post(url, json={"to": later.isoformat()}, headers=POST) as response:
        said = {line.split(":")[0]: line for line in (await response.json())["ran"]}
    assert said["outbox-prune"].startswith("outbox-prune: pruned ") and "queued" in said["duty-day"]
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


async def test_the_page_texts_come_in_every_language(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    """/api/texts holds every sandbox- message, in both languages, and every one the page and the
    server use; English is English (no Chinese left from a fallback)."""
    used = set()
    for path in (STATIC / "index.html", STATIC / "app.js", SANDBOX / "web.py", SANDBOX / "world.py"):
        used |= set(re.findall(r"""["'](sandbox-[a-z0-9-]+)["']""", path.read_text(encoding="utf-8")))
    assert len(used) > 50
    translator = sandbox.translator
    by_locale = {}
    for lang in ("zh-CN", "en"):
        async with http.get(sandbox.url + "api/texts", params={"lang": lang}) as response:
            answer = await response.json()
        assert answer["locale"] == lang
        assert answer["languages"] == [{"code": "en", "name": "English"}, {"code": "zh-CN", "name": "中文"}]
        texts = answer["texts"]
        assert set(texts) == {key for key in translator.keys(lang) if key.startswith("sandbox-")}
        assert used - set(texts) == set(), lang
        assert all(text.strip() and "sandbox-" not in text for text in texts.values())
        by_locale[lang] = texts
    assert by_locale["zh-CN"].keys() == by_locale["en"].keys()
    assert {key: text for key, text in by_locale["en"].items() if CJK.search(text)} == {}
    assert by_locale["en"]["sandbox-clock-jumped-idle"] == "Jumped to {now}; no job fell due"
    async with http.get(sandbox.url + "api/texts") as response:  # no lang: the configured DEFAULT_LOCALE
        assert (await response.json())["locale"] == sandbox.settings.default_locale == "zh-CN"


async def test_the_server_answers_in_the_pages_language(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get(sandbox.url + "api/state", params={"lang": "en"}) as response:
        state = await response.json()
    subtitles = {c["title"]: c["subtitle"] for c in state["chats"]}
    assert subtitles["张三"] == "Citizen · lives in 南大街社区"
    assert subtitles["南大街社区网格群"] == "Grid work group · speaking as grid worker 王芳"
    labels = [p["label"] for p in state["presets"]]
    assert labels[0].startswith("Duty day ") and labels[1:] == ["+1 hour", "+1 day", "+3 days", "+7 days"]
    async with http.get(sandbox.url + "api/state") as response:
        state = await response.json()
    assert {c["title"]: c["subtitle"] for c in state["chats"]}["张三"] == "群众 · 南大街社区居民"
    assert [p["label"] for p in state["presets"]][1:] == ["+1 小时", "+1 天", "+3 天", "+7 天"]
    errors = {}
    for lang in ("en", "zh-CN"):
        url = sandbox.url + f"api/chats/10001/text?lang={lang}"
        async with http.post(url, json={"text": "/start"}) as response:
            assert response.status == 403
            errors[lang] = (await response.json())["error"]
    assert errors == {"en": "The X-Sandbox request header is missing", "zh-CN": "缺少 X-Sandbox 请求头"}
    async with http.post(sandbox.url + "api/chats/424242/text?lang=en", json={}, headers=POST) as response:
        assert response.status == 404 and (await response.json())["error"] == "There is no such chat"
    async with http.post(sandbox.url + "api/clock?lang=en", data="[]", headers=POST) as response:
        assert response.status == 400 and (await response.json())["error"] == "The request should be a JSON object"


def test_nothing_on_the_page_is_hard_coded() -> None:
    """The page's files hold no Chinese: every text reaches the page through /api/texts."""
    for name in ("index.html", "app.js"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert CJK.findall(text) == [], name
