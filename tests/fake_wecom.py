"""A fake WeCom group-robot webhook (POST /cgi-bin/webhook/send?key=...) on 127.0.0.1.

It checks what a real robot checks: a known key (else 93000), a JSON body with msgtype markdown
and a non-empty content of at most 4,096 bytes (else 40008 / 40058), and at most `limit` messages
in any `window` seconds per key (else 45009: WeCom's 20 a minute by default). It records every
request with its answer, and can be told to fail the next requests (`inject`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web

CONTENT_LIMIT = 4096


@dataclass
class Fault:
    """The next `times` requests (for `key`, or any) answer this instead."""

    errcode: int | None = None  # answered with HTTP 200 {"errcode": ..., "errmsg": ...}
    errmsg: str = "injected"
    http_status: int | None = None  # answered with this HTTP status, no JSON
    delay: float = 0.0  # answer this late (a client timeout)
    disconnect: bool = False  # close the connection without an answer
    echo_url: bool = False  # an errmsg quoting the request's URL, key and all (as a proxy might)
    key: str | None = None
    times: int = 1


@dataclass(frozen=True)
class Request:
    key: str
    at: float
    body: Any
    errcode: int | None  # None: no JSON answer (fault)

    @property
    def content(self) -> str:
        try:
            return str(self.body["markdown"]["content"])
        except (TypeError, KeyError):
            return ""

    @property
    def ok(self) -> bool:
        return self.errcode == 0


class FakeWeCom:
    def __init__(self, *, limit: int = 20, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.keys: set[str] = set()
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()
        self.base_url = ""

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/cgi-bin/webhook/send", self._send)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the world ---------------------------------------------------------------------------------

    def add_robot(self, key: str) -> None:
        self.keys.add(key)

    def delete_robot(self, key: str) -> None:
        """Removed from its group in WeCom: its key answers 93000 from now on."""
        self.keys.discard(key)

    def inject(self, fault: Fault) -> None:
        self.faults.append(fault)

    # -- what arrived ------------------------------------------------------------------------------

    def received(self, key: str) -> list[str]:
        """The contents WeCom accepted from this key, in order."""
        return [r.content for r in self.requests if r.key == key and r.ok]

    def attempts(self, key: str) -> list[Request]:
        """Every request for this key answered so far, in the order they arrived."""
        return sorted((r for r in self.requests if r.key == key), key=lambda r: r.at)

    def most_in_a_window(self, key: str) -> int:
        """The most requests for this key (accepted or not) that fell into any one window."""
        times = sorted(r.at for r in self.attempts(key))
        most, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= self.window:
                first += 1
            most = max(most, last - first + 1)
        return most

    async def wait_received(self, key: str, count: int, timeout: float = 10) -> list[str]:
        async def reached() -> None:
            while len(self.received(key)) < count:
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(reached(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"{len(self.received(key))} of {count} messages arrived for the key within {timeout} s; "
                f"answers: {[r.errcode for r in self.attempts(key)]}"
            ) from None
        return self.received(key)

    # -- the endpoint ------------------------------------------------------------------------------

    async def _send(self, request: web.Request) -> web.StreamResponse:
        key = request.query.get("key", "")
        now = self.clock()
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        fault = self._fault(key)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.disconnect:
                self._record(key, body, now, None)
                assert request.transport is not None
                request.transport.close()
                return web.Response()  # never reaches the client
            if fault.http_status is not None:
                self._record(key, body, now, None)
                return web.Response(status=fault.http_status, text="<html>error</html>")
            if fault.errcode is not None:
                errmsg = f"{fault.errmsg} ({request.url})" if fault.echo_url else fault.errmsg
                return self._answer(key, body, now, fault.errcode, errmsg)
        if key not in self.keys:
            return self._answer(
                key,
                body,
                now,
                93000,
                "invalid webhook url, hint: [0000], from ip: 127.0.0.1, "
                "more info at https://open.work.weixin.qq.com/devtool/query?e=93000",
            )
        markdown = body.get("markdown") if isinstance(body, dict) else None
        if not isinstance(markdown, dict) or body.get("msgtype") != "markdown":
            return self._answer(key, body, now, 40008, "invalid message type")
        content = markdown.get("content")
        if not isinstance(content, str) or not content:
            return self._answer(key, body, now, 40058, "markdown.content is empty")
        if len(content.encode()) > CONTENT_LIMIT:
            return self._answer(key, body, now, 40058, f"markdown.content exceed max length {CONTENT_LIMIT}")
        recent = [r for r in self.requests if r.key == key and r.ok and r.at > now - self.window]
        if len(recent) >= self.limit:
            return self._answer(key, body, now, 45009, "api freq out of limit")
        return self._answer(key, body, now, 0, "ok")

    def _fault(self, key: str) -> Fault | None:
        for fault in self.faults:
            if fault.key in (None, key) and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _answer(self, key: str, body: Any, now: float, errcode: int, errmsg: str) -> web.Response:
        self._record(key, body, now, errcode)
        return web.json_response({"errcode": errcode, "errmsg": errmsg})

    def _record(self, key: str, body: Any, now: float, errcode: int | None) -> None:
        self.requests.append(Request(key=key, at=now, body=body, errcode=errcode))
        self._changed.set()
