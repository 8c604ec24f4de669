"""Open311 GeoReport v2 against the running bot: every answer is checked by a client that knows the
spec's fields; a POST reaches the grid's group as a card; the reporter is never shown."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import select
from typer.testing import CliRunner

from bot.app import Gridline
from bot.cli import app as cli
from bot.open311.georeport import MAX_ROWS
from bot.open311.keys import create_key, digest, revoke_key
from bot.open311.web import add_open311
from bot.sandbox.botapi import FakeTelegram
from storage.database import Database
from storage.models import ApiKey, Category, Grid, Issue
from tests.harness import Person, RunningBot, make_settings
from tests.test_core_loop import GROUP_ID, _data, bind_group, card_in_group, report
from tests.test_webhook import _free_port

# -- a client that validates answers against GeoReport v2's field lists ---------------------------

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")
SERVICE_FIELDS = {
    "service_code": str,
    "service_name": str,
    "description": str,
    "metadata": bool,
    "type": str,
    "keywords": str,
    "group": str,
}
REQUEST_FIELDS = {
    "service_request_id": str,
    "status": str,
    "status_notes": (str, type(None)),
    "service_name": (str, type(None)),
    "service_code": (str, type(None)),
    "description": (str, type(None)),
    "agency_responsible": (str, type(None)),
    "service_notice": (str, type(None)),
    "requested_datetime": str,
    "updated_datetime": (str, type(None)),
    "expected_datetime": (str, type(None)),
    "address": (str, type(None)),
    "address_id": (str, type(None)),
    "zipcode": (str, type(None)),
    "lat": (float, type(None)),
    "long": (float, type(None)),
    "media_url": (str, type(None)),
}


def fields(item: dict[str, Any], spec: dict[str, Any]) -> None:
    assert set(item) == set(spec), set(item) ^ set(spec)
    for name, kind in spec.items():
        assert isinstance(item[name], kind), (name, item[name])


def valid_services(body: Any) -> list[dict[str, Any]]:
    assert isinstance(body, list) and body
    for service in body:
        fields(service, SERVICE_FIELDS)
        assert service["type"] in ("realtime", "batch", "blackbox")
    return body


def valid_definition(body: Any) -> dict[str, Any]:
    assert set(body) == {"service_code", "attributes"}
    for attribute in body["attributes"]:
        assert set(attribute) >= {
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
        }
        assert attribute["datatype"] in ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
        if attribute["datatype"].endswith("valuelist"):
            assert all(set(v) == {"key", "name"} for v in attribute["values"]) and attribute["values"]
    return body


def valid_requests(body: Any) -> list[dict[str, Any]]:
    assert isinstance(body, list)
    for request in body:
        fields(request, REQUEST_FIELDS)
        assert request["status"] in ("open", "closed")
        for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
            assert request[name] is None or W3C.match(request[name]), request[name]
    return body


def valid_error(body: Any, code: int) -> str:
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == code and body[0]["description"]
    return body[0]["description"]


class Client:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base

    async def get(self, path: str, expect: int = 200, **params: str) -> Any:
        async with self.http.get(self.base + path, params=params) as response:
            assert response.status == expect and response.content_type == "application/json"
            return await response.json()

    async def post(self, form: dict[str, str], expect: int = 201) -> Any:
        async with self.http.post(self.base + "/requests.json", data=form) as response:
            assert response.status == expect
            return await response.json()


@pytest.fixture
async def open311(running: RunningBot) -> AsyncIterator[Client]:
    assert running.app is not None
    app = web.Application()
    add_open311(app, running.app.services)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as http:
            yield Client(http, f"http://127.0.0.1:{port}/open311/v2")
    finally:
        await runner.cleanup()


async def key_for(running: RunningBot, name: str = "12345热线") -> str:
    assert running.app is not None
    async with running.app.db.transaction() as s:
        return await create_key(s, name=name, now=datetime.now(UTC))


# -- the tests ------------------------------------------------------------------------------------


async def test_services_and_their_definition(open311: Client) -> None:
    services = valid_services(await open311.get("/services.json"))
    assert [s["service_code"] for s in services][:2] == ["dispute", "environment"]
    assert services[1]["service_name"] == "环境卫生"
    definition = valid_definition(await open311.get("/services/environment.json"))
    grids = {v["key"]: v["name"] for v in definition["attributes"][0]["values"]}
    assert grids["GC01"] == "城口县 / 葛城街道 / 南大街社区" and "GC" not in grids  # villages only
    assert valid_definition(await open311.get("/services/environment")) == definition  # .json is optional
    valid_error(await open311.get("/services/nothing.json", expect=404), 404)


async def test_a_posted_request_goes_into_the_grids_flow(
    running: RunningBot, fake: FakeTelegram, open311: Client
) -> None:
    await bind_group(fake)
    form = {
        "service_code": "environment",
        "attribute[grid]": "GC01",
        "description": "南大街路口垃圾桶满了",
        "lat": "31.9476",
        "long": "108.6647",
        "phone": "13912345678",
        "first_name": "王",
        "last_name": "小明",
        "email": "wang@example.org",
    }
    assert "api_key" in valid_error(await open311.post(form, expect=403), 403)
    assert "api_key" in valid_error(await open311.post({**form, "api_key": "gl311_forged"}, expect=403), 403)

    key = await key_for(running)
    mark = fake.mark()
    created = await open311.post({**form, "api_key": key})
    assert len(created) == 1 and set(created[0]) == {"service_request_id", "service_notice", "account_id"}
    ref = created[0]["service_request_id"]
    card = await card_in_group(fake, since=mark)  # the grid's group gets the card as for any report
    assert ref in card["text"] and "南大街路口垃圾桶满了" in card["text"] and "139****5678" in card["text"]

    (request,) = valid_requests(await open311.get(f"/requests/{ref}.json"))
    assert request["status"] == "open" and request["service_code"] == "environment"
    assert request["agency_responsible"] == "南大街社区" and request["address_id"] == "GC01"
    assert (request["lat"], request["long"]) == (31.9476, 108.6647)
    assert "群众 提交诉求" in request["status_notes"]
    shown = str(request)
    for private in ("13912345678", "5678", "小明", "wang@example.org", "12345热线"):
        assert private not in shown

    # Bad posts are refused with the spec's error shape, and create nothing.
    for bad, says in (
        ({"attribute[grid]": "GC"}, "village grid"),  # a township is not where an issue is reported
        ({"service_code": "nothing"}, "no service"),
        ({"description": " "}, "description"),
        ({"lat": "north"}, "lat"),
    ):
        status = 404 if "service" in says else 400
        assert says in valid_error(await open311.post({**form, "api_key": key, **bad}, expect=status), status)
    assert len(valid_requests(await open311.get("/requests.json"))) == 1

    async with running.app.db.transaction() as s:  # type: ignore[union-attr]
        await revoke_key(s, name="12345热线", now=datetime.now(UTC))
    valid_error(await open311.post({**form, "api_key": key}, expect=403), 403)


async def test_a_citizens_issue_as_the_city_sees_it(running: RunningBot, fake: FakeTelegram, open311: Client) -> None:
    await bind_group(fake)
    alice = Person(fake, fake.user(1001, "Alice"))
    worker = Person(fake, fake.user(2002, "王芳"), GROUP_ID)
    mark = fake.mark()
    submitted = await report(alice, text="楼道灯坏了", phone="13812345678")
    ref = submitted["text"].split("：")[1].split()[0]
    card = await card_in_group(fake, since=mark)
    await worker.press_for_alert(card, "认领")
    mark = fake.mark()
    await fake.press(worker.user, card, _data(card, "办结"))
    prompt = await worker.screen("办结说明", since=mark)
    mark = fake.mark()
    await fake.send_text(worker.user, "已更换灯泡", chat=worker.chat, reply_to=prompt)
    await alice.screen("已办结", since=mark)

    (request,) = valid_requests(await open311.get("/requests.json", service_request_id=ref))
    assert request["status"] == "closed" and request["service_name"] == "环境卫生"
    notes = request["status_notes"]
    assert "王芳 认领" in notes and "王芳 办结" in notes and "办结说明：已更换灯泡" in notes
    assert "Alice" not in str(request) and "5678" not in str(request) and "1001" not in str(request)
    assert request["lat"] is None and request["expected_datetime"] is None

    assert [r["service_request_id"] for r in await open311.get("/requests.json", status="closed")] == [ref]
    assert await open311.get("/requests.json", status="open") == []
    assert await open311.get("/requests.json", service_code="dispute") == []


async def test_query_limits(running: RunningBot, open311: Client) -> None:
    """At most 90 days at a time (the default window), at most 1,000 rows."""
    assert running.app is not None
    now = datetime.now(UTC)
    async with running.app.db.transaction() as s:
        grid = (await s.exec(select(Grid).where(Grid.code == "GC01"))).one()
        category = (await s.exec(select(Category).where(Category.code == "other"))).one()
        for n in range(MAX_ROWS + 5):
            created = now - timedelta(minutes=n)
            s.add(
                Issue(
                    ref=f"GL-T-{n:05d}",
                    citizen_id=1001,
                    grid_id=grid.id,
                    category_id=category.id,
                    description="x",
                    created_at=created,
                    updated_at=created,
                )
            )
        old = now - timedelta(days=120)
        s.add(
            Issue(
                ref="GL-OLD", citizen_id=1001, grid_id=grid.id, category_id=category.id, description="x",
                created_at=old, updated_at=old,
            )
        )  # fmt: skip
    found = valid_requests(await open311.get("/requests.json"))
    assert len(found) == MAX_ROWS and found[0]["service_request_id"] == "GL-T-00000"  # newest first
    assert "GL-OLD" not in {r["service_request_id"] for r in found}
    earlier = {
        "start_date": (now - timedelta(days=125)).isoformat(),
        "end_date": (now - timedelta(days=100)).isoformat(),
    }
    assert [r["service_request_id"] for r in await open311.get("/requests.json", **earlier)] == ["GL-OLD"]
    wide = {"start_date": (now - timedelta(days=91)).isoformat(), "end_date": now.isoformat()}
    assert "90 days" in valid_error(await open311.get("/requests.json", expect=400, **wide), 400)
    valid_error(await open311.get("/requests.json", expect=400, status="pending"), 400)
    valid_error(await open311.get("/requests/GL-NONE.json", expect=404), 404)


async def test_served_by_the_webhook_server(tmp_path: Path, fake: FakeTelegram) -> None:
    port = _free_port()
    settings = make_settings(tmp_path, fake, webhook_url="https://gridline.example.org", webhook_port=port)
    app = Gridline(settings)
    mark = fake.mark()
    task = asyncio.create_task(app.run_webhook(handle_signals=False))
    try:
        await fake.wait_for("setWebhook", since=mark)
        async with aiohttp.ClientSession() as http:
            client = Client(http, f"http://127.0.0.1:{port}/open311/v2")
            valid_services(await client.get("/services.json"))
    finally:
        await app.stop()
        await asyncio.wait_for(task, 15)


def test_apikey_create_keeps_only_the_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    runner = CliRunner()
    made = runner.invoke(cli, ["apikey", "create", "12345热线"])
    assert made.exit_code == 0, made.output
    key = re.search(r"(gl311_\S+)", made.output)
    assert key
    again = runner.invoke(cli, ["apikey", "create", "12345热线"])
    assert again.exit_code == 2 and "exists already" in again.output

    async def stored() -> list[ApiKey]:
        db = Database(url)
        try:
            async with db.session() as s:
                return list((await s.exec(select(ApiKey))).all())
        finally:
            await db.dispose()

    (row,) = asyncio.run(stored())
    assert row.key_hash == digest(key.group(1)) and key.group(1) not in str(row.model_dump())
    listed = runner.invoke(cli, ["apikey", "list"])
    assert "12345热线" in listed.output and key.group(1) not in listed.output
