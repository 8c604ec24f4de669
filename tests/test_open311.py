"""Open311 GeoReport v2 (bot/open311): every answer checked against the spec's fields by
tests/open311_spec.py; keys, limits and filters; and no personal data in any answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, text
from sqlmodel import SQLModel, col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app import prepare_database
from bot.config import Settings
from bot.domain.enums import ActorRole, EventKind
from bot.domain.lifecycle import IssueStatus
from bot.issues.draft import IssueDraft
from bot.issues.flows import IssueSummary
from bot.issues.service import Actor
from bot.open311 import georeport as geo
from bot.open311.georeport import Open311Error
from bot.open311.keys import ApiKeyError, create_key, list_keys, revoke_key
from bot.open311.web import DISCOVERY, PREFIX, ROOT, mount
from bot.services import Services
from storage.models import ApiKey, Category, Department, Grid, Issue, IssueEvent, Open311Submission, OutboxMessage, User
from tests import open311_spec as spec
from tests.fake_telegram import FakeTelegram
from tests.harness import make_settings

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
CITIZEN = Actor(ActorRole.CITIZEN, 987654321, "张三丰")
PHONE = "13812345678"
SECRETS = ("987654321", "张三丰", PHONE, "13900001111", "reporter@example.org", "李四光")


@dataclass
class Clock:
    moment: datetime = NOW

    def now(self) -> datetime:
        return self.moment


@dataclass
class Api:
    client: TestClient
    services: Services
    clock: Clock
    bodies: list[str]  # every answer's text, to search for personal data

    async def call(self, method: str, path: str, *, under: str = PREFIX, **kwargs: Any) -> tuple[int, Any]:
        async with self.client.request(method, under + path, **kwargs) as response:
            text = await response.text()
            assert response.content_type == "application/json", text
        self.bodies.append(text)
        return response.status, json.loads(text)

    async def get(self, path: str, **params: str) -> tuple[int, Any]:
        return await self.call("GET", path, params=params)

    async def post(self, **form: str) -> tuple[int, Any]:
        return await self.call("POST", "/requests.json", data=form)

    async def report(
        self, text: str = "门口垃圾没人清运", *, grid: str = "GC01", category: str = "environment"
    ) -> Issue:
        """An issue as a citizen files it in Telegram: their id, name, phone and location."""
        async with self.services.db.session() as s:
            grid_id = (await s.exec(select(Grid.id).where(Grid.code == grid))).one()
            category_id = (await s.exec(select(Category.id).where(Category.code == category))).one()
        draft = IssueDraft(
            grid_id=grid_id, category_id=category_id, description=text, phone=PHONE, location=(31.95, 108.66)
        )
        async with self.services.db.transaction() as s:
            if await s.get(User, CITIZEN.id) is None:
                s.add(User(id=CITIZEN.id, full_name=CITIZEN.name, phone=PHONE, created_at=NOW))
        summary = await self.services.flows.submit(draft=draft, citizen=CITIZEN)
        async with self.services.db.session() as s:
            return await s.get(Issue, summary.id)  # type: ignore[return-value]

    async def key(self, name: str = "12345") -> str:
        async with self.services.db.transaction() as s:
            return await create_key(s, name=name, now=self.clock.now())


# The tests file more requests a minute than the default allows: the limit has tests of its own.
UNLIMITED = {"open311_posts_per_minute": 10_000}


@pytest.fixture
async def api(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[Api]:
    async with serving(make_settings(tmp_path, fake, **UNLIMITED)) as running:
        yield running


@pytest.fixture
async def pg_api(tmp_path: Path, fake: FakeTelegram, postgres_url: str) -> AsyncIterator[Api]:
    """Production runs on PostgreSQL: the queries and the filing there too."""
    async with serving(make_settings(tmp_path, fake, database_url=postgres_url, **UNLIMITED)) as running:
        yield running


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Api]:
    clock = Clock()
    services = Services.build(settings, clock=clock)
    await prepare_database(services)
    app = web.Application()
    mount(app, services)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield Api(client, services, clock, [])
    finally:
        await client.close()
        await services.db.dispose()


def no_personal_data(api: Api) -> None:
    assert api.bodies
    for body in api.bodies:
        for secret in SECRETS:
            assert secret not in body, (secret, body)


# -- the service list --------------------------------------------------------------------------------


async def test_services_and_definition_follow_the_spec(api: Api) -> None:
    for path in ("/services.json", "/services"):
        status, body = await api.get(path)
        assert status == 200
        spec.services(body)
        assert [s["service_code"] for s in body][:3] == ["dispute", "environment", "traffic"]
        assert body[1]["service_name"] == "环境卫生" and body[1]["metadata"] is True

    status, body = await api.get("/services/environment.json")
    assert status == 200
    spec.definition(body)
    grid = body["attributes"][0]
    assert grid["code"] == "grid" and grid["required"] is True
    assert {"key": "GC01", "name": "城口县 / 葛城街道 / 南大街社区"} in grid["values"]

    status, body = await api.get("/services/no-such.json")
    assert status == 404
    spec.error(body, 404)
    status, body = await api.get("/services.xml")
    assert status == 400 and "JSON" in body[0]["description"]
    spec.error(body, 400)


# -- reading requests --------------------------------------------------------------------------------


async def test_a_request_shows_the_issue_and_never_the_citizen(api: Api) -> None:
    issue = await api.report(f"我是张三丰，路灯坏了，请联系我 {PHONE}，身份证 500229199001011234")
    status, body = await api.get("/requests.json")
    assert status == 200
    spec.requests(body)
    assert len(body) == 1
    request = body[0]
    assert request["service_request_id"] == issue.ref
    assert request["status"] == "open" and request["status_notes"] is None
    assert request["service_code"] == "environment" and request["service_name"] == "环境卫生"
    assert request["agency_responsible"] == "南大街社区"
    assert request["address"] == "城口县 / 葛城街道 / 南大街社区"
    assert (request["lat"], request["long"]) == (31.95, 108.66)
    assert request["requested_datetime"] == "2026-12-04T18:00:00+08:00"
    assert request["service_notice"] == "办理时限一般为 3 个工作日"
    assert request["description"] == "我是***，路灯坏了，请联系我 ***********，身份证 500229********1234"

    status, one = await api.get(f"/requests/{issue.ref}.json")
    assert status == 200 and one == body
    spec.requests(one)
    status, missing = await api.get("/requests/GL-2612-9999.json")
    assert status == 404
    spec.error(missing, 404)
    no_personal_data(api)


async def test_status_notes_agency_and_deadline_follow_the_timeline(api: Api) -> None:
    issue = await api.report()
    deadline = NOW + timedelta(days=3)
    async with api.services.db.transaction() as s:
        township_id = (await s.exec(select(col(Grid.id)).where(Grid.code == "GC"))).one()
        department = (await s.exec(select(Department).where(Department.code == "GC-CG"))).one()
        await s.exec(
            update(Issue)
            .where(col(Issue.id) == issue.id)
            .values(
                status=IssueStatus.RESOLVED,
                disposition="assign",
                department_id=department.id,
                holder_grid_id=township_id,
                deadline=deadline,
                updated_at=NOW + timedelta(hours=5),
            )
        )
        for minutes, kind, text in (
            (1, EventKind.ASSIGNED, "内部备注"),
            (2, EventKind.ANSWERED, "张三丰您好"),
            (3, EventKind.RESOLVED, "已联系张三丰，已清运完毕"),
            (4, EventKind.CITIZEN_REPLIED, "我的电话 13900001111"),
        ):
            s.add(
                IssueEvent(
                    issue_id=issue.id,
                    at=NOW + timedelta(minutes=minutes),
                    kind=kind,
                    actor_role=ActorRole.GRID,
                    text=text,
                )
            )
    status, body = await api.get(f"/requests/{issue.ref}.json")
    spec.requests(body)
    request = body[0]
    assert request["status"] == "closed"
    # The staff's last step, not the citizen's reply; the citizen's name hidden where staff wrote it.
    assert request["status_notes"] == "已办结：已联系***，已清运完毕"
    assert request["agency_responsible"] == "葛城街道城管办"
    assert request["expected_datetime"] == "2026-12-07T18:00:00+08:00"
    assert request["updated_datetime"] == "2026-12-04T23:00:00+08:00"
    no_personal_data(api)


async def test_filters_and_the_ninety_day_window(api: Api) -> None:
    await filters_and_window(api)


async def test_filters_and_filing_on_postgresql(pg_api: Api) -> None:
    await filters_and_window(pg_api)
    await files_an_issue(pg_api)


async def filters_and_window(api: Api) -> None:
    api.clock.moment = NOW - timedelta(days=100)
    old = await api.report("一百天前的诉求")
    api.clock.moment = NOW - timedelta(days=2)
    traffic = await api.report("路面塌陷", category="traffic")
    api.clock.moment = NOW
    recent = await api.report("垃圾清运")
    async with api.services.db.transaction() as s:
        await s.exec(update(Issue).where(col(Issue.id) == traffic.id).values(status=IssueStatus.CLOSED))

    async def refs(**params: str) -> list[str]:
        status, body = await api.get("/requests.json", **params)
        assert status == 200, body
        spec.requests(body)
        return [r["service_request_id"] for r in body]

    assert await refs() == [recent.ref, traffic.ref]  # the last 90 days, newest first
    assert await refs(status="open") == [recent.ref]
    assert await refs(status="closed") == [traffic.ref]
    assert await refs(status="open,closed") == [recent.ref, traffic.ref]
    assert await refs(service_code="traffic") == [traffic.ref]
    assert await refs(service_code="traffic,environment") == [recent.ref, traffic.ref]
    start = (NOW - timedelta(days=101)).isoformat()
    assert await refs(start_date=start, end_date=(NOW - timedelta(days=50)).isoformat()) == [old.ref]
    assert await refs(start_date=start) == [old.ref]  # start alone: the 90 days from it
    assert await refs(end_date=(NOW - timedelta(days=1)).isoformat()) == [traffic.ref]
    assert await refs(service_request_id=f"{old.ref},{recent.ref}") == [recent.ref, old.ref]  # ids override
    assert await refs(start_date="2026-12-03T20:00:00+08:00", end_date="2026-12-05") == [recent.ref]  # local zone

    for params, words in (
        ({"start_date": start, "end_date": NOW.isoformat()}, "90 days"),
        ({"start_date": NOW.isoformat(), "end_date": start}, "after"),
        ({"start_date": "yesterday"}, "W3C"),
        ({"status": "pending"}, "status"),
    ):
        status, body = await api.get("/requests.json", **params)
        assert status == 400, params
        spec.error(body, 400)
        assert words in body[0]["description"]
    no_personal_data(api)


async def test_at_most_a_thousand_requests(api: Api) -> None:
    async with api.services.db.transaction() as s:
        grid_id = (await s.exec(select(Grid.id).where(Grid.code == "GC01"))).one()
        category_id = (await s.exec(select(Category.id).where(Category.code == "other"))).one()
        s.add_all(
            Issue(
                ref=f"GL-2612-{n:04d}",
                citizen_id=CITIZEN.id,
                grid_id=grid_id,
                category_id=category_id,
                description=f"诉求 {n}",
                created_at=NOW - timedelta(minutes=n),
                updated_at=NOW,
            )
            for n in range(1, 1006)
        )
    status, body = await api.get("/requests.json")
    assert status == 200
    spec.requests(body)
    assert len(body) == geo.MAX_ROWS
    assert body[0]["service_request_id"] == "GL-2612-0001" and body[-1]["service_request_id"] == "GL-2612-1000"


# -- filing requests ---------------------------------------------------------------------------------


async def test_post_needs_a_valid_key(api: Api) -> None:
    form = {"service_code": "environment", "attribute[grid]": "GC01", "description": "路灯不亮"}
    for key in (None, "", "gl311_not-a-key", "wrong"):
        status, body = await api.post(**form, **({"api_key": key} if key is not None else {}))
        assert status == 403, key
        spec.error(body, 403)
    key = await api.key()
    async with api.services.db.transaction() as s:
        await revoke_key(s, name="12345", now=datetime.now(UTC))
    status, body = await api.post(api_key=key, **form)
    assert status == 403
    async with api.services.db.session() as s:
        assert (await s.exec(select(Issue))).all() == []  # nothing was filed


async def test_post_files_an_issue_without_showing_the_reporter(api: Api) -> None:
    await files_an_issue(api)


async def files_an_issue(api: Api) -> None:
    key = await api.key()
    status, body = await api.post(
        api_key=key,
        service_code="environment",
        lat="31.9",
        long="108.6",
        address_string="南大街12号",
        description="路灯不亮已经一周",
        email="reporter@example.org",
        phone="13900001111",
        first_name="李四光",
        media_url="https://12345.example.org/p/1.jpg",
        **{"attribute[grid]": "GC01"},
    )
    assert status == 200, body
    spec.created(body)
    ref = body[0]["service_request_id"]
    assert body[0]["service_notice"] == "办理时限一般为 3 个工作日"

    status, shown = await api.get(f"/requests/{ref}.json")
    spec.requests(shown)
    assert shown[0]["description"] == "路灯不亮已经一周\n地址：南大街12号\n图片：https://12345.example.org/p/1.jpg"
    assert (shown[0]["lat"], shown[0]["long"]) == (31.9, 108.6)
    async with api.services.db.session() as s:
        issue = (await s.exec(select(Issue).where(Issue.ref == ref))).one()
        assert issue.phone is None and issue.anonymous and issue.citizen_id == 0
        kept = await s.get(Open311Submission, issue.id)
        assert kept is not None and kept.api_key_name == "12345" and kept.api_key_id is not None
        assert (kept.email, kept.phone, kept.name) == ("reporter@example.org", "13900001111", "李四光")
        # Nothing is queued for a citizen's private chat, and no queued message names the reporter.
        queued = (await s.exec(select(OutboxMessage))).all()
        assert queued and all(m.chat_id != 0 for m in queued)
        assert not any(secret in json.dumps(m.params, ensure_ascii=False) for m in queued for secret in SECRETS)
    no_personal_data(api)

    # The key's requests, counted for `gridline apikey list`; a revoked key stays listed with them,
    # and its name stays taken, so a request always says which key filed it.
    async with api.services.db.transaction() as s:
        (view,) = await list_keys(s)
        assert (view.name, view.revoked, view.requests) == ("12345", False, 1)
        assert view.last_request_at == kept.created_at and view.last_used_at is not None
        await revoke_key(s, name="12345", now=datetime.now(UTC))
    async with api.services.db.transaction() as s:
        (revoked,) = await list_keys(s)
        assert (revoked.name, revoked.revoked, revoked.requests) == ("12345", True, 1)
        assert (revoked.created_at, revoked.last_used_at) == (view.created_at, view.last_used_at)
        with pytest.raises(ApiKeyError, match="revoked keys keep their names"):
            await create_key(s, name="12345", now=datetime.now(UTC))
        with pytest.raises(ApiKeyError, match="revoked already"):
            await revoke_key(s, name="12345", now=datetime.now(UTC))
        await create_key(s, name="12345-2", now=datetime.now(UTC))
    async with api.services.db.session() as s:
        assert [(v.name, v.revoked, v.requests) for v in await list_keys(s)] == [
            ("12345", True, 1),
            ("12345-2", False, 0),
        ]


async def row_counts(api: Api) -> dict[str, int]:
    """Every table's rows but the keys' (a POST records a key's use before it files anything)."""
    async with api.services.db.session() as s:
        return {
            table.name: (await s.exec(select(func.count()).select_from(table))).one()  # type: ignore[call-overload]
            for table in SQLModel.metadata.sorted_tables
            if table.name != ApiKey.__tablename__
        }


async def test_a_failed_record_of_the_filer_leaves_no_issue(api: Api) -> None:
    """The issue, its card in the outbox, its timeline and the record of who filed it are one
    transaction: the record's write failing (here the database refuses it) keeps none of them."""
    key = await api.key()
    form = {"api_key": key, "service_code": "environment", "attribute[grid]": "GC01", "description": "路灯不亮"}
    await api.report()  # a citizen's issue before: its rows stay as they are
    before = await row_counts(api)
    table = Open311Submission.__tablename__
    async with api.services.db.transaction() as s:
        await s.exec(
            text(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        )  # type: ignore[call-overload]
    status, body = await api.post(**form)
    assert status == 500
    spec.error(body, 500)
    assert await row_counts(api) == before
    assert before[Issue.__tablename__] == 1 and before[OutboxMessage.__tablename__] > 0

    async with api.services.db.transaction() as s:
        await s.exec(text("DROP TRIGGER refuse"))  # type: ignore[call-overload]
    status, body = await api.post(**form)
    assert status == 200
    spec.created(body)
    async with api.services.db.session() as s:
        issue = (await s.exec(select(Issue).where(Issue.ref == body[0]["service_request_id"]))).one()
        assert await s.get(Open311Submission, issue.id) is not None
    after = await row_counts(api)
    assert after[Issue.__tablename__] == 2 and after[OutboxMessage.__tablename__] > before[OutboxMessage.__tablename__]


async def test_alongside_runs_in_the_issue_transaction_and_once(api: Api) -> None:
    async with api.services.db.session() as s:
        grid_id = (await s.exec(select(Grid.id).where(Grid.code == "GC01"))).one()
        category_id = (await s.exec(select(Category.id).where(Category.code == "environment"))).one()
    draft = IssueDraft(grid_id=grid_id, category_id=category_id, description="井盖丢了", submission="k1")
    seen: list[str] = []

    async def sees_the_issue(s: AsyncSession, summary: IssueSummary) -> None:
        issue = await s.get(Issue, summary.id)  # the uncommitted issue, in the same transaction
        assert issue is not None
        seen.append(issue.ref)

    first = await api.services.flows.submit(draft=draft, citizen=CITIZEN, alongside=sees_the_issue)
    again = await api.services.flows.submit(draft=draft, citizen=CITIZEN, alongside=sees_the_issue)
    assert again == first and seen == [first.ref]  # confirmed before: the same issue, not recorded twice

    before = await row_counts(api)

    async def fails(s: AsyncSession, summary: IssueSummary) -> None:
        raise RuntimeError("the caller's write failed")

    with pytest.raises(RuntimeError):
        await api.services.flows.submit(
            draft=draft.model_copy(update={"submission": "k2"}), citizen=CITIZEN, alongside=fails
        )
    assert await row_counts(api) == before


async def test_post_refuses_bad_parameters(api: Api) -> None:
    key = await api.key()
    good = {"api_key": key, "service_code": "environment", "attribute[grid]": "GC01", "description": "路灯不亮"}
    for change, code, words in (
        ({"service_code": "nope"}, 404, "service_code"),
        ({"attribute[grid]": ""}, 400, "attribute[grid]"),
        ({"attribute[grid]": "XX99"}, 400, "attribute[grid]"),
        ({"description": ""}, 400, "description"),
        ({"description": "长" * 2001}, 400, "2000"),
        ({"lat": "31.9"}, 400, "lat"),
        ({"lat": "91", "long": "108"}, 400, "lat"),
        ({"lat": "nan", "long": "108"}, 400, "lat"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"phone": "1" * 40}, 400, "phone"),
    ):
        status, body = await api.post(**{**good, **change})
        assert status == code, (change, body)
        spec.error(body, code)
        assert words in body[0]["description"], body
    async with api.services.db.session() as s:
        assert (await s.exec(select(Issue))).all() == []
    status, body = await api.post(**good)
    assert status == 200
    spec.created(body)


async def test_unknown_paths_and_methods_answer_in_json(api: Api) -> None:
    status, body = await api.get("/nothing-here")
    assert status == 404
    spec.error(body, 404)
    status, body = await api.call("DELETE", "/requests.json")
    assert status == 405
    spec.error(body, 405)


# -- discovery and jurisdiction ----------------------------------------------------------------------


JURISDICTION = "chengkou.example.gov.cn"
CONTACT = "城口县网格化服务管理中心 023-59221234"


async def test_discovery_says_where_the_api_is_and_whom_to_ask(tmp_path: Path, fake: FakeTelegram) -> None:
    settings = make_settings(tmp_path, fake, open311_jurisdiction=JURISDICTION, open311_contact=CONTACT)
    async with serving(settings) as api:
        status, body = await api.call("GET", DISCOVERY, under=ROOT)
        assert status == 200
        spec.discovery(body)
        assert body["contact"] == CONTACT and CONTACT in body["key_service"]
        assert spec.W3C.match(body["changeset"])
        (endpoint,) = body["endpoints"]
        assert endpoint["specification"] == spec.GEOREPORT_V2
        assert endpoint["type"] == "production" and endpoint["formats"] == ["application/json"]
        assert endpoint["changeset"] == body["changeset"]
        assert endpoint["url"] == str(api.client.make_url(PREFIX))
        # The endpoint's url is where the calls are.
        async with api.client.session.get(endpoint["url"] + "/services.json") as response:
            assert response.status == 200
            spec.services(await response.json())
        # Behind a TLS proxy, the address the client used.
        status, proxied = await api.call("GET", DISCOVERY, under=ROOT, headers={"X-Forwarded-Proto": "https"})
        assert proxied["endpoints"][0]["url"].startswith("https://")


async def test_discovery_without_a_contact_set(api: Api) -> None:
    status, body = await api.call("GET", DISCOVERY, under=ROOT)
    assert status == 200
    spec.discovery(body)
    assert body["contact"] == "请联系本系统的运营单位"


async def test_another_jurisdiction_is_not_found(tmp_path: Path, fake: FakeTelegram) -> None:
    async with serving(make_settings(tmp_path, fake, open311_jurisdiction=JURISDICTION)) as api:
        key = await api.key()
        form = {"api_key": key, "service_code": "environment", "attribute[grid]": "GC01", "description": "路灯不亮"}
        for path in ("/services.json", "/services/environment.json", "/requests.json"):
            status, body = await api.get(path, jurisdiction_id="wanzhou.example.gov.cn")
            assert status == 404, path
            spec.error(body, 404)
            assert "jurisdiction" in body[0]["description"]
            assert (await api.get(path, jurisdiction_id=JURISDICTION))[0] == 200, path
            assert (await api.get(path))[0] == 200, path  # none given: ours
        status, body = await api.post(**form, jurisdiction_id="wanzhou.example.gov.cn")
        assert status == 404
        spec.error(body, 404)
        async with api.services.db.session() as s:
            assert (await s.exec(select(Issue))).all() == []  # nothing was filed
        status, body = await api.post(**form, jurisdiction_id=JURISDICTION)
        assert status == 200
        spec.created(body)


async def test_without_a_jurisdiction_set_any_is_taken(api: Api) -> None:
    status, body = await api.get("/services.json", jurisdiction_id="anywhere.example.org")
    assert status == 200
    spec.services(body)


# -- the pure parts ----------------------------------------------------------------------------------


def test_query_defaults_to_the_last_ninety_days() -> None:
    query = geo.parse_query({}, now=NOW, tz=UTC)
    assert (query.start, query.end) == (NOW - timedelta(days=90), NOW)
    assert query.statuses == frozenset(IssueStatus)
    with pytest.raises(Open311Error) as raised:
        geo.parse_query({"service_request_id": ",".join(f"GL-2612-{n:04d}" for n in range(1001))}, now=NOW, tz=UTC)
    assert raised.value.code == 400


def test_redact_masks_numbers_a_citizen_typed() -> None:
    assert geo.redact("电话13812345678，座机023-1234") == "电话138****5678，座机023-1234"
    assert geo.redact("身份证50022919900101123X") == "身份证500229********123X"
    assert geo.redact("订单号 12345678901234") == "订单号 12345678901234"


def test_the_api_imports_no_telegram_code() -> None:
    """The mapping, the queries, the keys and the web app run without aiogram (see test_domain_seam)."""
    import subprocess
    import sys

    from tests.test_domain_seam import PROBE

    modules = ["bot.open311.georeport", "bot.open311.service", "bot.open311.keys", "bot.open311.web"]
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
