"""Three Gridline instances on one PostgreSQL and Redis: fan-out against the flood limits, and intake.

    python -m bench.bench_scale [--scale 5] [--messages 5000] [--citizens 40]

Starts three `gridline run --webhook` processes (REDIS_URL set: shared pacing buckets, claims and
conversation state; the outbox leased across instances on PostgreSQL) against the fake Bot API in
this process, which enforces Telegram's three flood limits (multiplied by --scale on both sides, as
in bench_delivery) and answers 429 when one is broken.

1. Fan-out: 5,000 notifications (2,000 private chats, 100 groups) queued at once on the shared
   outbox; prints the elapsed time (first send to last) against the lower bound the limits allow
   for ONE bot token, the ratio (target >= 90%), messages lost (target 0), duplicates, and 429
   answers (target <= 1% of sends).
2. Intake: --citizens citizens file a report each (about nine updates apiece), delivered to one
   instance, then the same number spread over the three; prints reports a second for each and the
   ratio three/one. The machine is shared: the ratio says what three processes gain on its cores,
   not what three machines would.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench.bench_delivery import FIRST_GROUP, FIRST_USER, lower_bound, plan
from bot.app import prepare_database
from bot.config import Settings
from bot.outbox.queue import enqueue
from bot.services import Services
from tests.fake_telegram import FakeTelegram, FloodLimits
from tests.harness import Person
from tests.test_core_loop import report
from tests.test_update_safety import free_port
from tests.webhook_relay import WebhookRelay

INSTANCES = 3
SECRET = "bench-webhook-secret"
FIRST_CITIZEN = 30_000_000


async def start(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    gridline = Path(sys.executable).with_name("gridline")
    return await asyncio.create_subprocess_exec(
        str(gridline), "run", "--webhook", env=env, stdout=log.open("ab"), stderr=asyncio.subprocess.STDOUT
    )


async def until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def intake(fake: FakeTelegram, urls: list[str], citizens: list[Person]) -> float:
    """Reports a second, every citizen filing one at once through the given instances."""
    async with WebhookRelay(fake, urls, SECRET):
        started = time.monotonic()
        await asyncio.gather(*(report(c, text=f"{c.user.id}号楼电梯坏了", phone=None) for c in citizens))
        return len(citizens) / (time.monotonic() - started)


async def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING)
    server = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"gridline_bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = server.rsplit("/", 1)[0] + f"/{name}"
    processes: list[asyncio.subprocess.Process] = []
    try:
        async with FakeTelegram(bot_username="gridline_bench_bot") as fake:
            for i in range(args.private):
                fake.user(FIRST_USER + i, f"群众{i}")
            for i in range(args.groups):
                fake.group(FIRST_GROUP - i, f"网格群{i}")
            services = Services.build(Settings(_env_file=None, database_url=database_url))
            await prepare_database(services)

            token = f"{random.randint(10**8, 10**9)}:BENCH-TOKEN"
            ports = [free_port() for _ in range(INSTANCES)]
            urls = [f"http://127.0.0.1:{port}/telegram/webhook" for port in ports]
            logs = Path(tempfile.mkdtemp(prefix="bench_scale_"))
            env = {
                **os.environ,
                "BOT_TOKEN": token,
                "DATABASE_URL": database_url,
                "REDIS_URL": args.redis,
                "TELEGRAM_API_BASE": fake.base_url,
                "WEBHOOK_URL": "https://gridline.example.org",
                "WEBHOOK_SECRET": SECRET,
                "FLOOD_GLOBAL_PER_SECOND": str(30 * args.scale),
                "FLOOD_PRIVATE_PER_SECOND": str(1 * args.scale),
                "FLOOD_GROUP_PER_MINUTE": str(20 * args.scale),
            }
            processes = [
                await start({**env, "WEBHOOK_PORT": str(port)}, logs / f"gridline-{n}.log")
                for n, port in enumerate(ports)
            ]
            await until(lambda: sum(c.method == "setWebhook" for c in fake.requests) >= INSTANCES, 120, "3 instances")

            # 1. Fan-out through three instances, against one token's limits.
            fake.enable_flood_limits(FloodLimits(scale=args.scale))
            messages = plan(args.private, args.groups, args.messages)
            mark = fake.mark()
            async with services.db.transaction() as s:
                now = datetime.now(UTC)
                for chat_id, text in messages:
                    enqueue(s, chat_id=chat_id, method="sendMessage", params={"text": text}, now=now)
            await services.db.dispose()
            counts = Counter(chat for chat, _ in messages)
            bound = lower_bound(counts, args.scale)
            wanted = {text for _, text in messages}

            def delivered() -> Counter[str]:
                return Counter(
                    c.text for c in fake.requests[mark:] if c.method == "sendMessage" and c.ok and c.text in wanted
                )

            try:
                await until(lambda: len(delivered()) >= len(wanted), max(300.0, bound * 5), "the fan-out")
            except TimeoutError as error:
                print(error)
            await asyncio.sleep(1.0)  # anything still to come would be a duplicate
            sends = [c for c in fake.requests[mark:] if c.method == "sendMessage" and c.text in wanted]
            ok_at = sorted(c.at for c in sends if c.ok)
            elapsed = ok_at[-1] - sends[0].at if ok_at else 0.0
            got = delivered()
            lost = len(wanted) - len(got)
            duplicates = sum(n - 1 for n in got.values())
            answered_429 = sum(1 for c in sends if c.error and c.error[0] == 429)
            fake.disable_flood_limits()

            # 2. Intake: one instance, then three.
            citizens = [Person(fake, fake.user(FIRST_CITIZEN + n, f"居民{n}")) for n in range(2 * args.citizens)]
            one = await intake(fake, urls[:1], citizens[: args.citizens])
            three = await intake(fake, urls, citizens[args.citizens :])
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        await asyncio.gather(*(asyncio.wait_for(p.wait(), 60) for p in processes), return_exceptions=True)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()

    ratio = bound / elapsed if elapsed else 0.0
    share_429 = answered_429 / len(sends) if sends else 0.0
    print(
        f"limits scaled x{args.scale:g} for the one token: {30 * args.scale:g}/s overall, {args.scale:g}/s per "
        f"private chat, {20 * args.scale:g}/min per group; {INSTANCES} instances sharing them through Redis"
    )
    print(f"fan-out: {len(messages)} messages to {args.private} private chats and {args.groups} groups")
    print(
        f"elapsed: {elapsed:.2f} s   lower bound from the limits: {bound:.2f} s   "
        f"ratio: {ratio:.1%} of the limit-bound rate (target >= 90%)"
    )
    print(f"lost: {lost}   duplicates: {duplicates}")
    print(f"429 answers: {answered_429} of {len(sends)} sends ({share_429:.2%}, target <= 1%)")
    print(
        f"intake on PostgreSQL, {args.citizens} reports at once: one instance {one:.1f} reports/s, "
        f"three {three:.1f} reports/s, ratio {three / one:.2f}"
    )
    ok = lost == 0 and ratio >= 0.9 and share_429 <= 0.01
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=5)
    parser.add_argument("--private", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--citizens", type=int, default=40)
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
