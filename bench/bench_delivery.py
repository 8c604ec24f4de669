"""How close does the outbox get to Telegram's flood limits?

    python -m bench.bench_delivery [--scale 5] [--private 2000] [--groups 100] [--messages 5000]
                                   [--profile out.prof]

5,000 notifications (by default) are queued at once on the outbox — two for each of 2,000
private chats, ten for each of 100 groups — and delivered by the real OutboxSender, paced by the
real FloodLimiter, to the fake Bot API server that enforces Telegram's three limits and answers
429 when one is broken. To keep the run short every limit is multiplied by --scale, on the
server and in the bot alike (5: 150/s overall, 5/s per private chat, 100/min per group; the run
then takes about 35 s instead of three minutes). The fake server runs in this process and takes
its share of the CPU, so a much higher scale measures the machine rather than the pacing.

Prints the elapsed time against the lower bound the limits allow, their ratio (target >= 90%),
messages lost (must be 0), duplicates, and 429 answers (target <= 1% of sends).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import math
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlmodel import func, select

from bot.app import Gridline, prepare_database
from bot.config import Settings
from bot.outbox.queue import enqueue
from bot.sandbox.botapi import FakeTelegram, FloodLimits
from storage.models import OutboxMessage, OutboxStatus

TOKEN = "123456:BENCH-TOKEN"
FIRST_USER = 10_000_000
FIRST_GROUP = -1_000_000_000


def plan(private: int, groups: int, messages: int) -> list[tuple[int, str]]:
    """(chat id, text) in the order queued: interleaved, as a burst of pushes would be."""
    chats = [FIRST_USER + i for i in range(private)] + [FIRST_GROUP - i for i in range(groups)]
    group_share = messages // 5  # a fifth to groups (cards), the rest to citizens (pushes)
    per_group = group_share // groups if groups else 0
    per_private = (messages - per_group * groups) // private if private else 0
    counts = {chat: (per_group if chat < 0 else per_private) for chat in chats}
    leftover = messages - sum(counts.values())
    for chat in chats[:leftover]:
        counts[chat] += 1
    result: list[tuple[int, str]] = []
    round_ = 0
    while len(result) < messages:
        for chat in chats:
            if counts[chat] > round_:
                result.append((chat, f"通知 #{len(result)} → {chat}"))
        round_ += 1
    return result


def lower_bound(counts: Counter[int], scale: float) -> float:
    """Seconds the limits need at least: the global rate, and each chat's own limit."""
    limits = FloodLimits(scale=scale)
    total = sum(counts.values())
    bound = (total - 1) / (limits.global_per_second * scale)
    for chat, n in counts.items():
        if chat > 0:
            bound = max(bound, (n - 1) / (limits.private_per_second * scale))
        else:
            per_window = limits.group_per_minute * scale
            bound = max(bound, (math.ceil(n / per_window) - 1) * 60)
    return bound


async def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING)
    async with FakeTelegram(bot_username="gridline_bench_bot") as fake:
        for i in range(args.private):
            fake.user(FIRST_USER + i, f"群众{i}")
        for i in range(args.groups):
            fake.group(FIRST_GROUP - i, f"网格群{i}")
        fake.enable_flood_limits(FloodLimits(scale=args.scale))
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                _env_file=None,
                bot_token=TOKEN,
                database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                telegram_api_base=fake.base_url,
                flood_global_per_second=30 * args.scale,
                flood_private_per_second=1 * args.scale,
                flood_group_per_minute=20 * args.scale,
            )
            app = Gridline(settings)
            await prepare_database(app.services)
            messages = plan(args.private, args.groups, args.messages)
            async with app.db.transaction() as s:
                now = app.services.clock.now()
                for chat_id, text in messages:
                    enqueue(s, chat_id=chat_id, method="sendMessage", params={"text": text}, now=now)
            counts = Counter(chat for chat, _ in messages)
            bound = lower_bound(counts, args.scale)

            profiler = cProfile.Profile() if args.profile else None
            mark = fake.mark()
            started = time.monotonic()
            if profiler:
                profiler.enable()
            sender = asyncio.create_task(app.sender.run())
            try:
                await app.sender.drain(timeout=max(120.0, bound * 10))
            finally:
                elapsed = time.monotonic() - started
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                await app.sender.stop()
                sender.cancel()
                await asyncio.gather(sender, return_exceptions=True)
            async with app.db.session() as s:
                not_sent = (
                    await s.exec(
                        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SENT)
                    )
                ).one()
            await app.bot.session.close()
            await app.db.dispose()

        sends = [c for c in fake.requests[mark:] if c.method == "sendMessage"]
        delivered = Counter(c.text for c in sends if c.ok)
        lost = sum(1 for _, text in messages if delivered[text] == 0)
        duplicates = sum(n - 1 for n in delivered.values() if n > 1)
        answered_429 = sum(1 for c in sends if c.error and c.error[0] == 429)

    ratio = bound / elapsed if elapsed else 0.0
    share_429 = answered_429 / len(sends) if sends else 0.0
    print(
        f"limits scaled x{args.scale:g}: {30 * args.scale:g}/s overall, {args.scale:g}/s per private chat, "
        f"{20 * args.scale:g}/min per group (Telegram's: 30/s, 1/s, 20/min)"
    )
    print(f"messages: {len(messages)} to {args.private} private chats and {args.groups} groups")
    print(
        f"elapsed: {elapsed:.2f} s   lower bound from the limits: {bound:.2f} s   "
        f"ratio: {ratio:.1%} of the limit-bound rate (target >= 90%)"
    )
    print(f"lost: {lost} (rows not marked sent: {not_sent})   duplicates: {duplicates}")
    print(f"429 answers: {answered_429} of {len(sends)} sends ({share_429:.2%}, target <= 1%)")
    ok = lost == 0 and not_sent == 0 and ratio >= 0.9 and share_429 <= 0.01
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=5)
    parser.add_argument("--private", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--profile", help="write cProfile stats of the delivery here")
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
