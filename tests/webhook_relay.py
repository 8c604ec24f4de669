"""Plays Telegram's webhook delivery (and a load balancer in front of several instances).

Takes the updates the fake queued (what users did) and POSTs each to the instances in turn, with the
secret header. One chat's updates go one after the other (Telegram waits for the answer before the
next of the same chat); different chats go at once. An update is confirmed only on a 200: a refused
connection or an error answer (an instance killed or stopping) sends it again, to the next instance.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from typing import Any

import aiohttp

from tests.fake_telegram import FakeTelegram

RETRY_AFTER = 0.2


class WebhookRelay:
    def __init__(self, fake: FakeTelegram, urls: Sequence[str], secret: str) -> None:
        self.fake = fake
        self.urls = list(urls)
        self.secret = secret
        self.turn = itertools.count()
        self.seen: set[int] = set()
        self.delivered: list[tuple[int, str]] = []  # (update id, the instance that answered 200)
        self.failed_attempts = 0
        self._chats: dict[Any, asyncio.Queue[dict[str, Any]]] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._done: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> WebhookRelay:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in [self._task, *self._workers]:
            if task is not None:
                task.cancel()
        await asyncio.gather(*[t for t in [self._task, *self._workers] if t is not None], return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    async def _run(self) -> None:
        while True:
            arrived = self.fake.updates.arrived.event
            for update in self.fake.updates.take(100, None):
                if update["update_id"] in self.seen:
                    continue
                self.seen.add(update["update_id"])
                chat = _chat_of(update)
                if chat not in self._chats:
                    self._chats[chat] = asyncio.Queue()
                    self._workers.append(asyncio.create_task(self._deliver_chat(self._chats[chat])))
                self._chats[chat].put_nowait(update)
            await arrived.wait()

    async def _deliver_chat(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            update = await queue.get()
            await self._deliver(update)

    async def _deliver(self, update: dict[str, Any]) -> None:
        assert self._http is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret}
        while True:
            url = self.urls[next(self.turn) % len(self.urls)]
            try:
                async with self._http.post(url, json=update, headers=headers) as response:
                    if response.status == 200:
                        self.delivered.append((update["update_id"], url))
                        self._confirm(update["update_id"])
                        return
            except (TimeoutError, aiohttp.ClientError):
                pass
            self.failed_attempts += 1
            await asyncio.sleep(RETRY_AFTER)

    def _confirm(self, update_id: int) -> None:
        """Confirm the run of handled updates from the oldest (as getUpdates' offset would)."""
        self._done.add(update_id)
        confirmed = max(self.fake.updates.confirmed, min(self.seen) - 1)
        while confirmed + 1 in self._done:
            confirmed += 1
        if confirmed > self.fake.updates.confirmed:
            self.fake.updates.confirm(confirmed + 1)


def _chat_of(update: dict[str, Any]) -> Any:
    for kind in ("message", "edited_message", "callback_query", "my_chat_member", "chat_member"):
        body = update.get(kind)
        if body is None:
            continue
        if kind == "callback_query":
            return ("user", body["from"]["id"])
        return ("chat", body["chat"]["id"])
    return ("update", update["update_id"])
