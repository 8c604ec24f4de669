"""Three `gridline run --webhook` processes on one PostgreSQL and one Redis, behind one webhook URL
(tests/webhook_relay.py plays Telegram and the proxy: updates go to the instances in turn).

Checks: every citizen's report completes with its steps in order although consecutive updates
reach different instances; every card and push is delivered once; the duty-day job, fired by all
three at the same moment, queues each reminder once; killing one instance with SIGKILL in mid
fan-out loses nothing, and duplicates stay within its in-flight cap.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bot.app import prepare_database
from bot.config import Settings
from bot.outbox.sender import MAX_UNRECORDED
from bot.services import Services
from storage.database import Database
from storage.models import OutboxMessage
from tests.fake_telegram import FakeTelegram
from tests.harness import ADMIN_ID, Person
from tests.test_core_loop import GROUP_ID, bind_group, report
from tests.test_update_safety import free_port
from tests.webhook_relay import WebhookRelay

SECRET = "e2e-webhook-secret"
INSTANCES = 3
CITIZENS = 6
FANOUT = 900
FANOUT_CHATS = 300
FIRST_FANOUT_CHAT = 7_000_000
FIRST_DEPUTY = 8_000_000
DUTY_DAY = "集中履职日"


def instance_env(database_url: str, token: str, port: int, fake: FakeTelegram, tz: Settings) -> dict[str, str]:
    local = datetime.now(UTC).astimezone(tz.tz) - timedelta(minutes=1)
    env = {
        **os.environ,
        "BOT_TOKEN": token,
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "TELEGRAM_API_BASE": fake.base_url,
        "ADMIN_IDS": str(ADMIN_ID),
        "WEBHOOK_URL": "https://gridline.example.org",
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
        "FLOOD_GLOBAL_PER_SECOND": "1000",
        "FLOOD_PRIVATE_PER_SECOND": "1000",
        "FLOOD_GROUP_PER_MINUTE": "60000",
        # The duty day is today, its reminder a minute ago: every instance runs it as it starts.
        "DEPUTY_DUTY_DAY": str(local.day),
        "DEPUTY_DAY_TIME": local.strftime("%H:%M"),
        "OUTBOX_LEASE_SECONDS": "5",  # a killed instance's chats are taken over quickly
    }
    env.pop("DEMO_ORG_FILE", None)
    return env


async def start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    gridline = Path(sys.executable).with_name("gridline")
    return await asyncio.create_subprocess_exec(
        str(gridline), "run", "--webhook", env=env, stdout=log.open("ab"), stderr=asyncio.subprocess.STDOUT
    )


async def wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def sent(fake: FakeTelegram, chat_id: int, *needles: str) -> int:
    return sum(
        1
        for c in fake.requests
        if c.method == "sendMessage" and c.ok and c.chat_id == chat_id and all(n in c.text for n in needles)
    )


async def seed(database_url: str, fake: FakeTelegram) -> list[int]:
    """The demo county, its deputies linked to Telegram accounts and on today's duty day."""
    services = Services.build(Settings(_env_file=None, database_url=database_url))
    await prepare_database(services)
    async with services.db.transaction() as s:
        await s.exec(
            text("UPDATE deputy SET telegram_user_id = :base + id, duty_day = NULL").bindparams(base=FIRST_DEPUTY)
        )  # type: ignore[call-overload]
        await s.exec(text("UPDATE station SET duty_day = NULL"))  # type: ignore[call-overload]
        ids = (await s.exec(text("SELECT telegram_user_id FROM deputy ORDER BY id"))).scalars().all()  # type: ignore[call-overload]
    await services.db.dispose()
    for user_id in ids:
        fake.user(int(user_id), f"代表{user_id}")
    return [int(user_id) for user_id in ids]


async def test_three_webhook_instances(postgres_url: str, tmp_path: Path, fake: FakeTelegram) -> None:
    token = f"{random.randint(10**8, 10**9)}:E2E-TOKEN"  # its own keys in the shared Redis
    deputies = await seed(postgres_url, fake)
    assert deputies
    ports = [free_port() for _ in range(INSTANCES)]
    tz = Settings(_env_file=None)
    logs = [tmp_path / f"gridline-{n}.log" for n in range(INSTANCES)]
    # All three start at once: the duty-day job fires in each at the same moment.
    processes = await asyncio.gather(
        *(start(instance_env(postgres_url, token, port, fake, tz), log) for port, log in zip(ports, logs, strict=True))
    )
    urls = [f"http://127.0.0.1:{port}/telegram/webhook" for port in ports]
    try:
        await wait(lambda: sum(1 for c in fake.requests if c.method == "setWebhook") >= INSTANCES, 40, "3 webhooks")
        async with WebhookRelay(fake, urls, SECRET) as relay:
            # --- reports: each citizen's consecutive updates reach different instances -----------
            await bind_group(fake)
            citizens = [Person(fake, fake.user(1001 + n, f"群众{n}")) for n in range(CITIZENS)]
            start_mark = fake.mark()
            submitted = await asyncio.gather(
                *(report(c, text=f"第{n}号楼的路灯坏了", phone=None) for n, c in enumerate(citizens))
            )
            refs = [screen["text"].split("：")[1].split()[0] for screen in submitted]
            assert len(set(refs)) == CITIZENS
            assert {url for _, url in relay.delivered} == set(urls)  # every instance took part
            for citizen, ref in zip(citizens, refs, strict=True):
                await citizen.screen(["已受理", ref], since=start_mark, timeout=30)
            await wait(lambda: all(sent(fake, GROUP_ID, "新诉求", ref) for ref in refs), 30, "every card")

            # --- the duty day: fired by the three instances at once, queued once ------------------
            await wait(lambda: all(sent(fake, d, DUTY_DAY) for d in deputies), 60, "every duty-day reminder")

            # --- SIGKILL in mid fan-out -------------------------------------------------------
            for n in range(FANOUT_CHATS):
                fake.user(FIRST_FANOUT_CHAT + n, f"居民{n}")
            await queue_fanout(postgres_url)
            await wait(lambda: len(fanned(fake)) >= FANOUT // 4, 120, "a quarter of the fan-out")
            victim = processes[1]
            victim.send_signal(signal.SIGKILL)
            await victim.wait()
            killed_open = sum(1 for c in fake.requests if c.method == "sendMessage" and not c.done)
            await wait(lambda: len(fanned(fake)) >= FANOUT, 120, "the whole fan-out")
            await asyncio.sleep(1.0)  # anything still to come would be a duplicate

        # Once each, whichever instance sent them.
        for citizen, ref in zip(citizens, refs, strict=True):
            assert sent(fake, citizen.chat_id, "已受理", ref) == 1
            assert sent(fake, GROUP_ID, "新诉求", ref) == 1
        assert [sent(fake, d, DUTY_DAY) for d in deputies] == [1] * len(deputies)
        delivered = fanned(fake)
        duplicates = sum(n - 1 for n in delivered.values())
        print(
            f"\n3 instances: {CITIZENS} reports over {len(relay.delivered)} updates; fan-out of {FANOUT} with one "
            f"instance killed: all delivered, {duplicates} duplicates ({killed_open} requests open at the kill)"
        )
        assert set(delivered) == {f"#{n}" for n in range(FANOUT)}
        assert duplicates <= MAX_UNRECORDED
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        await asyncio.gather(*(asyncio.wait_for(p.wait(), 60) for p in processes), return_exceptions=True)
        if sys.exc_info()[0] is not None:  # failing: what the instances said last
            for log in logs:
                print(f"--- {log.name}\n" + log.read_text(errors="replace")[-1500:])
    for log in logs:
        assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")[-3000:]
    # The duty day fired in every instance; one of the three runs did the work.
    runs = [[line for line in log.read_text().splitlines() if "job duty-day at" in line] for log in logs]
    assert all(runs), runs
    assert sum(1 for lines in runs for line in lines if "already run" not in line) == 1, runs


def fanned(fake: FakeTelegram) -> Counter[str]:
    return Counter(c.text for c in fake.requests if c.method == "sendMessage" and c.ok and c.text.startswith("#"))


async def queue_fanout(database_url: str) -> None:
    db = Database(database_url)
    now = datetime.now(UTC)
    async with db.transaction() as s:
        for n in range(FANOUT):
            s.add(
                OutboxMessage(
                    chat_id=FIRST_FANOUT_CHAT + n % FANOUT_CHATS,
                    method="sendMessage",
                    params={"text": f"#{n}"},
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    await db.dispose()
