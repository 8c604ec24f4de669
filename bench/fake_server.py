"""The fake Bot API and the simulated citizens, in a process of their own.

bench_report starts this as ``python -m bench.fake_server``. It prints one line,
``CONTROL http://127.0.0.1:<port>``, and then answers a small JSON control API there:

  POST /reset         {}                               -> {"base_url": ...}   a fresh, empty fake
  POST /wait_polling  {}                               -> {}                  until the bot polls
  POST /bind          {"admin_id", "group_id", "code"} -> {}                  /bind in a new group
  POST /run           {"scenario", "citizens", "first_user_id", "group_id"}  -> measurements
  POST /shutdown      {}

Everything the citizens do runs here, so the bot's process only runs the bot. Latencies are
taken on this process's clock: from the moment an update is queued for getUpdates to the moment
the bot's answering call (sendMessage/editMessageText to that chat) reaches the fake.
"""

from __future__ import annotations

import asyncio
import copy
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bench.scenario import GRIDLINE_STEPS, SEED_STEPS, Step, echo_steps
from bot.sandbox.botapi import FakeTelegram, FakeUser
from bot.sandbox.botapi.model import ApiCall, Json

SCREEN_METHODS = frozenset({"sendMessage", "editMessageText"})
STEP_TIMEOUT = 60.0


@dataclass(eq=False)
class Waiter:
    expect: str
    future: asyncio.Future[tuple[ApiCall, Json]]
    first_at: float | None = None  # the first screen call to the chat after the update


@dataclass
class Tally:
    """Counts of bot messages the run waits for after the citizens are done (the outbox)."""

    group_id: int | None = None
    cards: int = 0  # 新诉求 cards in the group
    pushes: int = 0  # 已受理 pushes to citizens
    confirmed: set[int] = field(default_factory=set)  # chats that saw 提交成功
    target: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def see(self, method: str, chat_id: int, text: str) -> None:
        if chat_id == self.group_id:
            if method == "sendMessage" and "新诉求" in text:
                self.cards += 1
        elif "提交成功" in text:
            self.confirmed.add(chat_id)
        elif method == "sendMessage" and "已受理" in text:
            self.pushes += 1
        if self.target and self.cards >= self.target and self.pushes >= self.target:
            self.done.set()


class BenchFake(FakeTelegram):
    """FakeTelegram with cheap per-chat waiters instead of rescanning every call on every change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._waiters: dict[int, list[Waiter]] = {}
        self.pushed_at = 0.0
        self.tally = Tally()

    async def push_update(self, update: Json) -> int:
        update = copy.deepcopy({k: v for k, v in update.items() if k != "update_id"})
        self.pushed_at = time.monotonic()  # read by the citizen right after this returns
        return self.updates.push(update)

    async def _run(self, call: ApiCall, request: web.Request) -> Any:
        result = await super()._run(call, request)
        if call.method in SCREEN_METHODS and isinstance(result, dict):
            self._screen(call, result)
        return result

    def _screen(self, call: ApiCall, message: Json) -> None:
        chat_id = message["chat"]["id"]
        text = message.get("text") or message.get("caption") or ""
        self.tally.see(call.method, chat_id, text)
        waiters = self._waiters.get(chat_id)
        if not waiters:
            return
        for waiter in list(waiters):
            if waiter.first_at is None:
                waiter.first_at = call.at
            if waiter.expect in text and not waiter.future.done():
                waiter.future.set_result((call, message))
                waiters.remove(waiter)

    def expect(self, chat_id: int, text: str) -> Waiter:
        waiter = Waiter(text, asyncio.get_running_loop().create_future())
        self._waiters.setdefault(chat_id, []).append(waiter)
        return waiter

    def forget(self, chat_id: int, waiter: Waiter) -> None:
        waiters = self._waiters.get(chat_id, [])
        if waiter in waiters:
            waiters.remove(waiter)


def _button(message: Json, label: str | None) -> str:
    markup = message.get("reply_markup") or {}
    found = [
        b["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for b in row
        if "callback_data" in b and (label is None or label in b["text"])
    ]
    if not found:
        raise AssertionError(f"no button {label!r} on message {message.get('text', '')[:60]!r}")
    return found[0]


@dataclass
class CitizenResult:
    first_ms: list[float] = field(default_factory=list)  # update -> first screen call in the chat
    done_ms: list[float] = field(default_factory=list)  # update -> the call the citizen waited for
    error: str | None = None


async def act(fake: BenchFake, user: FakeUser, step: Step, screen: Json | None) -> tuple[float, float, Json]:
    kind, arg, expected = step
    waiter = fake.expect(user.id, expected)
    try:
        if kind == "say":
            await fake.send_text(user, arg or "")
        elif kind == "contact":
            await fake.send_contact(user, phone_number=arg or "")
        elif kind == "press":
            if screen is None:
                raise AssertionError("nothing to press on")
            current = fake.store.get(screen["chat"]["id"], screen["message_id"]) or screen
            await fake.press(user, current, _button(current, arg))
        else:
            raise ValueError(kind)
        pushed = fake.pushed_at
        call, message = await asyncio.wait_for(waiter.future, STEP_TIMEOUT)
    except BaseException:
        fake.forget(user.id, waiter)
        raise
    first = waiter.first_at if waiter.first_at is not None else call.at
    return (first - pushed) * 1000, (call.at - pushed) * 1000, message


async def citizen(fake: BenchFake, user: FakeUser, steps: list[Step]) -> CitizenResult:
    result = CitizenResult()
    screen: Json | None = None
    for number, step in enumerate(steps, start=1):
        try:
            first, done, screen = await act(fake, user, step, screen)
        except Exception as exc:  # report, don't take the whole run down
            result.error = f"user {user.id} step {number} {step[0]} {step[1]!r} -> {step[2]!r}: {exc!r}"
            return result
        result.first_ms.append(first)
        result.done_ms.append(done)
    return result


async def _until(check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.002)
    return True


class Control:
    def __init__(self) -> None:
        self.fake: BenchFake | None = None
        self.stopped = asyncio.Event()

    def app(self) -> web.Application:
        app = web.Application()
        for name in ("reset", "wait_polling", "bind", "seed", "run", "shutdown"):
            app.router.add_post(f"/{name}", self._wrap(getattr(self, name)))
        return app

    def _wrap(self, method: Any) -> Any:
        async def handler(request: web.Request) -> web.Response:
            body = await request.json() if request.can_read_body else {}
            try:
                return web.json_response({"ok": True, **(await method(**body))})
            except Exception as exc:
                traceback.print_exc()
                return web.json_response({"ok": False, "error": repr(exc)}, status=500)

        return handler

    def _need(self) -> BenchFake:
        if self.fake is None:
            raise RuntimeError("POST /reset first")
        return self.fake

    async def reset(self) -> dict[str, Any]:
        if self.fake is not None:
            # Let the previous bot's last calls (e.g. an answerCallbackQuery after the citizen's last
            # answer) finish, so stopping the server does not cut them off mid-request.
            old = self.fake
            await _until(
                lambda: (
                    all(old.callbacks.values())
                    and all(call.done for call in old.requests[-500:] if call.method != "getUpdates")
                ),
                5.0,
            )
            await old.stop()
        self.fake = BenchFake(bot_username="gridline_test_bot")
        await self.fake.start()
        return {"base_url": self.fake.base_url}

    async def wait_polling(self, timeout: float = 60) -> dict[str, Any]:
        await self._need().wait_polling(since=0, timeout=timeout)
        return {}

    async def bind(self, admin_id: int, group_id: int, code: str) -> dict[str, Any]:
        fake = self._need()
        group = fake.group(group_id, f"{code} 网格工作群")
        admin = fake.user(admin_id, "管理员")
        waiter = fake.expect(group.id, "已绑定")
        await fake.send_text(admin, f"/bind {code}", chat=group)
        await asyncio.wait_for(waiter.future, STEP_TIMEOUT)
        return {}

    async def seed(self, user_id: int, group_id: int) -> dict[str, Any]:
        """File the first report (SEED_STEPS) and wait for its card, before the measured run."""
        fake = self._need()
        card = fake.expect(group_id, "新诉求")
        result = await citizen(fake, fake.user(user_id, "首报居民"), SEED_STEPS)
        if result.error:
            raise RuntimeError(result.error)
        await asyncio.wait_for(card.future, STEP_TIMEOUT)
        return {}

    async def run(
        self,
        scenario: str,
        citizens: int,
        first_user_id: int,
        group_id: int | None = None,
        drain_timeout: float = 60,
        sequential: bool = False,
    ) -> dict[str, Any]:
        fake = self._need()
        steps = GRIDLINE_STEPS if scenario == "gridline" else echo_steps()
        users = [fake.user(first_user_id + i, f"居民{i}") for i in range(citizens)]
        drain = scenario == "gridline"
        fake.tally = Tally(group_id=group_id, target=citizens if drain else 0)
        calls_before = len(fake.requests)
        cpu0, t0 = time.process_time(), time.monotonic()
        if sequential:  # one citizen after the other: the bot's latency without queueing
            results = []
            for done, user in enumerate(users, start=1):
                results.append(await citizen(fake, user, steps))
                if drain:  # and let the outbox deliver this one's card and push first
                    await _until(lambda n=done: min(fake.tally.cards, fake.tally.pushes) >= n, drain_timeout)
        else:
            results = await asyncio.gather(*(citizen(fake, u, steps) for u in users))
        t_citizens = time.monotonic()
        cards_by_then, pushes_by_then = fake.tally.cards, fake.tally.pushes
        drained = True
        if drain:
            try:
                await asyncio.wait_for(fake.tally.done.wait(), drain_timeout)
            except TimeoutError:
                drained = False
        t_drained = time.monotonic()
        cpu = time.process_time() - cpu0
        errors = [r.error for r in results if r.error]
        calls = fake.requests[calls_before:]
        methods: dict[str, int] = {}
        for call in calls:
            methods[call.method] = methods.get(call.method, 0) + 1
        if scenario != "gridline":
            confirmed = sum(1 for r in results if not r.error)
        else:
            confirmed = len(fake.tally.confirmed & {u.id for u in users})
        return {
            "scenario": scenario,
            "citizens": citizens,
            "steps_per_citizen": len(steps),
            "updates": sum(len(r.done_ms) for r in results),
            "wall_citizens": t_citizens - t0,
            "wall_drained": t_drained - t0,
            "drained": drained,
            "first_ms": [x for r in results for x in r.first_ms],
            "done_ms": [x for r in results for x in r.done_ms],
            "done_by_step": [[r.done_ms[i] for r in results if len(r.done_ms) > i] for i in range(len(steps))],
            "errors": errors[:5],
            "error_count": len(errors),
            "confirmed": confirmed,
            "cards": fake.tally.cards,
            "cards_by_citizens": cards_by_then,
            "pushes_by_citizens": pushes_by_then,
            "pushes": fake.tally.pushes,
            "fake_cpu": cpu,
            "api_calls": methods,
            "api_errors": sum(1 for c in calls if c.error is not None),
        }

    async def shutdown(self) -> dict[str, Any]:
        self.stopped.set()
        return {}


async def main() -> None:
    control = Control()
    runner = web.AppRunner(control.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(f"CONTROL http://127.0.0.1:{port}", flush=True)
    await control.stopped.wait()
    await asyncio.sleep(0.05)  # let the /shutdown answer go out
    if control.fake is not None:
        await control.fake.stop()
    await runner.cleanup()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
