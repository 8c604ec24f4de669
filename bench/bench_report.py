"""How much does a Gridline update cost, compared with a bare aiogram echo bot?

    python -m bench.bench_report [--citizens 200] [--rounds 3] [--solo 5] [--profile out.prof|out.html]

Phase A runs an echo bot (aiogram Dispatcher + MemoryStorage, one handler for private texts and
one for callback queries); phase B runs the real bot (`Gridline(settings).run_polling`) on a fresh
SQLite database. In both, N citizens act concurrently, each sending the same number of updates
(the messages and button presses of the report walk in bench/scenario.py) and waiting for the
bot's answer before the next one, like a person would.

The fake Bot API *and the simulated citizens* run in a separate process (bench/fake_server.py),
so this process runs nothing but the bot under test; the two talk through a small HTTP control
channel. Latencies are measured in the fake's process: update queued -> the bot's answering call
arrives at the fake. After each concurrent run, --solo citizens walk the same script one at a time,
for the handling latency without queueing.

The final line compares per-update cost (wall time / updates) against a same-run echo baseline;
the bot process's CPU time per update is printed next to it, being far less sensitive to a noisy
machine. Exit status 0 = target met and every correctness check passed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import logging
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bench.scenario import ECHO_REPLY, GRIDLINE_STEPS, updates_per_citizen
from bot.app import Gridline, settle_heap
from tests.harness import ADMIN_ID, TOKEN, make_settings

ROOT = Path(__file__).resolve().parent.parent
GROUP_ID = -100200
TARGET_RATIO = 2.5
FIRST_CITIZEN_ID = 100_000
SEED_CITIZEN_ID = 99_999  # files the first report before the run (bench.scenario.SEED_STEPS)
SEEDED = 1  # issues in the database before the measured citizens


# -- the control channel to the fake's process -----------------------------------------------------


class FakeProcess:
    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.url = ""
        self.http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.fake_server",
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        line = (await asyncio.wait_for(self.proc.stdout.readline(), 30)).decode().strip()
        if not line.startswith("CONTROL "):
            raise RuntimeError(f"fake server did not start: {line!r}")
        self.url = line.split(" ", 1)[1]
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))

    async def call(self, name: str, **body: Any) -> dict[str, Any]:
        assert self.http is not None
        async with self.http.post(f"{self.url}/{name}", json=body) as response:
            answer = await response.json()
        if not answer.get("ok"):
            raise RuntimeError(f"fake /{name} failed: {answer.get('error')}")
        return answer

    async def stop(self) -> None:
        if self.http is not None:
            with contextlib.suppress(Exception):
                await self.call("shutdown")
            await self.http.close()
        if self.proc is not None:
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


# -- phase A: the echo bot ----------------------------------------------------------------------------


def _echo_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]])


def echo_router() -> Router:
    router = Router(name="echo")
    keyboard = _echo_keyboard()

    @router.message(F.chat.type == "private", F.text)
    async def echo_text(message: Message) -> None:
        await message.answer(f"{ECHO_REPLY}: {message.text}", reply_markup=keyboard)

    @router.callback_query()
    async def echo_press(callback: CallbackQuery) -> None:
        if isinstance(callback.message, Message):
            await callback.message.answer(f"{ECHO_REPLY}: {callback.data}", reply_markup=keyboard)
        await callback.answer()

    return router


@dataclass
class Phase:
    name: str
    stats: dict[str, Any]
    bot_cpu: float  # CPU seconds of this (the bot's) process during the run, all threads
    solo: dict[str, Any] | None = None  # a few citizens one after the other: latency without queueing

    @property
    def updates(self) -> int:
        return int(self.stats["updates"])

    @property
    def wall(self) -> float:
        """Until every citizen is done and (Gridline) the outbox delivered every card and push."""
        return float(self.stats["wall_drained"])

    @property
    def per_update_ms(self) -> float:
        return self.wall / self.updates * 1000 if self.updates else float("nan")

    @property
    def cpu_per_update_ms(self) -> float:
        return self.bot_cpu / self.updates * 1000 if self.updates else float("nan")

    def pct(self, key: str, q: float) -> float:
        return percentile(self.stats[key], q)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


class Profiler:
    """cProfile (FILE.prof) or, for FILE.html / FILE.txt, pyinstrument (a sampling profiler: it sees
    through asyncio and SQLAlchemy's greenlets far better; `pip install pyinstrument`)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.kind = "pyinstrument" if path.endswith((".html", ".txt")) else "cProfile"
        if self.kind == "pyinstrument":
            from pyinstrument import Profiler as Sampler

            self._sampler = Sampler(interval=0.001, async_mode="disabled")
        else:
            self._profile = cProfile.Profile()

    def enable(self) -> None:
        if self.kind == "pyinstrument":
            self._sampler.start()
        else:
            self._profile.enable()

    def disable(self) -> None:
        if self.kind == "pyinstrument":
            self._sampler.stop()
        else:
            self._profile.disable()

    def save(self) -> None:
        if self.kind == "cProfile":
            self._profile.dump_stats(self.path)
        elif self.path.endswith(".html"):
            Path(self.path).write_text(self._sampler.output_html(), encoding="utf-8")
        else:
            Path(self.path).write_text(self._sampler.output_text(unicode=True, show_all=False), encoding="utf-8")


async def _measure(
    fake: FakeProcess, scenario: str, citizens: int, profiler: Profiler | None = None
) -> tuple[dict[str, Any], float]:
    # Both bots start from the same settled heap: Gridline freezes what its start-up built
    # (bot.app.settle_heap); the echo bot, in the same process, gets the same treatment, so neither
    # pays in its collections for objects the other one or the imports left behind.
    settle_heap()
    cpu0 = time.process_time()
    if profiler is not None:
        profiler.enable()
    try:
        stats = await fake.call(
            "run", scenario=scenario, citizens=citizens, first_user_id=FIRST_CITIZEN_ID, group_id=GROUP_ID
        )
    finally:
        if profiler is not None:
            profiler.disable()
    return stats, time.process_time() - cpu0


async def _solo(fake: FakeProcess, scenario: str, citizens: int, after: int) -> dict[str, Any] | None:
    if citizens <= 0:
        return None
    return await fake.call(
        "run",
        scenario=scenario,
        citizens=citizens,
        first_user_id=FIRST_CITIZEN_ID + after,
        group_id=GROUP_ID,
        sequential=True,
    )


async def run_echo(fake: FakeProcess, citizens: int, solo: int) -> Phase:
    base_url = (await fake.call("reset"))["base_url"]
    bot = Bot(
        TOKEN,
        session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)),
        default=DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True),  # as Gridline's
    )
    dispatcher = Dispatcher(storage=MemoryStorage())
    dispatcher.include_router(echo_router())
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, allowed_updates=dispatcher.resolve_used_update_types())
    )
    try:
        await _started(fake, polling, "the echo bot")
        stats, cpu = await _measure(fake, "echo", citizens)
        alone = await _solo(fake, "echo", solo, citizens)
    finally:
        if not polling.done():
            await dispatcher.stop_polling()
            await asyncio.wait_for(polling, 15)
    return Phase("echo", stats, cpu, alone)


# -- phase B: Gridline ----------------------------------------------------------------------------------


async def _started(fake: FakeProcess, running: asyncio.Task[None], name: str) -> None:
    """Until the bot polls; if it dies while starting, fail at once with its own error."""
    polling = asyncio.create_task(fake.call("wait_polling"))
    await asyncio.wait({polling, running}, return_when=asyncio.FIRST_COMPLETED)
    if not polling.done():
        polling.cancel()
        error = running.exception()
        raise RuntimeError(f"{name} stopped while starting: {error!r}") from error
    await polling


def _db_counts(path: Path) -> tuple[int, dict[str, int]]:
    """Issues, and outbox rows by status (read next to the running bot: SQLite WAL allows it)."""
    db = sqlite3.connect(path, timeout=30)
    try:
        issues = db.execute("SELECT count(*) FROM issue").fetchone()[0]
        outbox = dict(db.execute("SELECT status, count(*) FROM outboxmessage GROUP BY status").fetchall())
    finally:
        db.close()
    return int(issues), outbox


async def run_gridline(fake: FakeProcess, citizens: int, solo: int, profiler: Profiler | None = None) -> Phase:
    base_url = (await fake.call("reset"))["base_url"]
    with tempfile.TemporaryDirectory(prefix="gridline-bench-") as tmp:
        database = Path(tmp) / "gridline.db"
        settings = make_settings(Path(tmp), SimpleNamespace(base_url=base_url))  # type: ignore[arg-type]
        app = Gridline(settings)
        running = asyncio.create_task(app.run_polling(handle_signals=False))
        try:
            await _started(fake, running, "Gridline")
            await fake.call("bind", admin_id=ADMIN_ID, group_id=GROUP_ID, code="GC01")
            await fake.call("seed", user_id=SEED_CITIZEN_ID, group_id=GROUP_ID)  # offered to everyone
            stats, cpu = await _measure(fake, "gridline", citizens, profiler)
            issues, _ = _db_counts(database)  # before the solo citizens add theirs
            stats["issues_in_db"] = issues - SEEDED
            alone = await _solo(fake, "gridline", solo, citizens)
        finally:
            if not running.done():
                await app.stop()
                await asyncio.wait_for(running, 30)
        issues, stats["outbox"] = _db_counts(database)
        stats["issues_at_end"] = issues - SEEDED
    return Phase("gridline", stats, cpu, alone)


# -- the report -----------------------------------------------------------------------------------------


def _row(p: Phase) -> str:
    return (
        f"{p.name:<10}{p.updates:>8}{p.wall:>9.2f}{p.updates / p.wall:>9.0f}{p.per_update_ms:>10.2f}"
        f"{p.cpu_per_update_ms:>10.2f}{p.pct('done_ms', 50):>9.1f}{p.pct('done_ms', 99):>9.1f}"
        f"{p.pct('first_ms', 50):>9.1f}{p.pct('first_ms', 99):>9.1f}{p.stats['fake_cpu']:>9.2f}"
    )


HEADER = (
    f"{'phase':<10}{'updates':>8}{'wall s':>9}{'upd/s':>9}{'ms/upd':>10}{'cpu ms/u':>10}"
    f"{'p50 ms':>9}{'p99 ms':>9}{'1st p50':>9}{'1st p99':>9}{'fake cpu':>9}"
)


def print_round(number: int, echo: Phase, grid: Phase) -> None:
    print(f"\n== round {number} ==")
    print(HEADER)
    print(_row(echo))
    print(_row(grid))
    ratios = [
        (grid.per_update_ms / echo.per_update_ms, 10),
        (grid.cpu_per_update_ms / echo.cpu_per_update_ms, 10),
        *((grid.pct(key, q) / echo.pct(key, q), 9) for key in ("done_ms", "first_ms") for q in (50, 99)),
    ]
    print(f"{'ratio':<10}{'':>8}{'':>9}{'':>9}" + "".join(f"{f'{r:.2f}x':>{w}}" for r, w in ratios))
    s = grid.stats
    print(
        f"  gridline: last citizen confirmed after {s['wall_citizens']:.2f}s, outbox drained after "
        f"{s['wall_drained']:.2f}s{'' if s['drained'] else ' (NOT drained: timed out)'} "
        f"(by then {s['cards_by_citizens']} cards, {s['pushes_by_citizens']} pushes); "
        f"{s['cards']} cards in the group, {s['pushes']} 已受理 pushes; outbox rows at the end {s.get('outbox')}"
    )
    if echo.solo and grid.solo:
        e, g = echo.solo, grid.solo
        print(
            f"  unloaded latency ({e['citizens']} citizens one at a time, {len(g['done_ms'])} updates): "
            f"echo p50 {percentile(e['done_ms'], 50):.1f} / p99 {percentile(e['done_ms'], 99):.1f} ms, "
            f"gridline p50 {percentile(g['done_ms'], 50):.1f} / p99 {percentile(g['done_ms'], 99):.1f} ms "
            f"({percentile(g['done_ms'], 50) / percentile(e['done_ms'], 50):.2f}x at p50)"
        )
        steps = " · ".join(
            f"{(step[1] or '?')[:6]} {statistics.median(values):.0f}"
            for step, values in zip(GRIDLINE_STEPS, g["done_by_step"], strict=True)
            if values
        )
        print(f"  unloaded gridline median ms per step: {steps}")
    print(f"  gridline API calls: {_calls(s)}")
    print(f"  echo API calls:     {_calls(echo.stats)}")
    for phase in (echo, grid):
        if phase.stats["error_count"] or phase.stats["api_errors"]:
            print(
                f"  {phase.name}: {phase.stats['error_count']} citizens failed, "
                f"{phase.stats['api_errors']} API calls answered with an error"
            )
            for error in phase.stats["errors"]:
                print(f"    {error}")


def _calls(stats: dict[str, Any]) -> str:
    calls = dict(stats["api_calls"])
    return ", ".join(f"{k}={v}" for k, v in sorted(calls.items(), key=lambda kv: -kv[1]))


async def main(args: argparse.Namespace) -> int:
    messages, presses = updates_per_citizen()
    n = args.citizens
    print(
        f"Gridline report benchmark: {n} concurrent citizens x {messages + presses} updates "
        f"({messages} messages + {presses} button presses: {' → '.join(s[1] or '?' for s in GRIDLINE_STEPS)})"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}, Python {sys.version.split()[0]}")
    print("fake Bot API + simulated citizens run in a separate process; this process runs only the bot.")
    print(
        "Gridline runs with tests.harness.make_settings: flood limits raised to 1000/s global, "
        "1000/s per private chat, 60000/min per group, so pacing does not dominate."
    )
    profiler = Profiler(args.profile) if args.profile else None
    if profiler:
        print(f"{profiler.kind} is ON for the Gridline phase (written to {args.profile}): its timings are inflated.")

    fake = FakeProcess()
    await fake.start()
    rounds: list[tuple[Phase, Phase]] = []
    try:
        for number in range(1, args.rounds + 1):
            echo = await run_echo(fake, n, args.solo)
            grid = await run_gridline(fake, n, args.solo, profiler)
            rounds.append((echo, grid))
            print_round(number, echo, grid)
    finally:
        await fake.stop()
    if profiler is not None:
        profiler.save()

    print(
        "\ncolumns: ms/upd = wall time / updates (1/throughput); cpu ms/u = CPU time of the bot's process "
        "/ updates (all its threads);\n  p50/p99 = update queued -> the answer the citizen waits for; 1st = -> "
        "the bot's first message/edit in that chat;\n  fake cpu = CPU seconds the fake+citizens process spent. "
        "Gridline's wall time runs until the outbox delivered every card and 已受理 push.\n"
        "  With N citizens always waiting, the bot is saturated and latency ~ N / throughput (Little's law); "
        "the unloaded line shows the latency without queueing.\n  The machine is shared: wall-time ratios are "
        "noisy, the CPU-per-update ratio is the steadier signal (use --rounds for medians)."
    )

    cost = statistics.median(g.per_update_ms / e.per_update_ms for e, g in rounds)
    cpu = statistics.median(g.cpu_per_update_ms / e.cpu_per_update_ms for e, g in rounds)
    p50 = statistics.median(g.pct("done_ms", 50) / e.pct("done_ms", 50) for e, g in rounds)
    label = "median over rounds" if len(rounds) > 1 else "this run"
    print(f"\nratio (gridline/echo p50 latency, {label}): {p50:.2f}x")
    print(f"ratio (gridline/echo bot CPU per update, {label}): {cpu:.2f}x")

    ok = True
    for number, (_, grid) in enumerate(rounds, start=1):
        s = grid.stats
        issues, confirmed = s["issues_in_db"], s["confirmed"]
        good = issues == n and confirmed == n and s["error_count"] == 0 and s["drained"]
        solo = ""
        if grid.solo is not None:
            k = grid.solo["citizens"]
            solo_ok = s["issues_at_end"] == n + k and grid.solo["confirmed"] == k and not grid.solo["error_count"]
            good &= solo_ok
            solo = f"; after {k} more one-at-a-time citizens: {s['issues_at_end']} (expected {n + k})"
        ok &= good
        print(
            f"check round {number}: issues in database = {issues} (expected {n}), citizens with 提交成功 = "
            f"{confirmed}/{n}, failed citizens = {s['error_count']}, outbox delivered {s['cards']} cards + "
            f"{s['pushes']} pushes{solo}: {'OK' if good else 'FAILED'}"
        )
    for number, (echo, _) in enumerate(rounds, start=1):
        if echo.stats["error_count"]:
            ok = False
            print(f"check round {number}: echo phase had {echo.stats['error_count']} failed citizens: FAILED")

    verdict = "PASS" if cost <= TARGET_RATIO and ok else "FAIL"
    print(f"ratio (gridline/echo per-update cost): {cost:.2f}x — target <= {TARGET_RATIO}x: {verdict}")
    return 0 if verdict == "PASS" else 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=200, help="concurrent citizens (default 200)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="echo+Gridline rounds; the verdict is on the median (default 3)"
    )
    parser.add_argument(
        "--solo",
        type=int,
        default=5,
        help="after each run, this many citizens one at a time, for the latency without queueing (default 5; 0 = skip)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="profile the Gridline phase into FILE: cProfile stats, or pyinstrument for .html/.txt",
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(main(parse_args())))
