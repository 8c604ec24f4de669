"""WeCom's transport for the outbox: a row ("markdown", {"content": ...}) for the robot `chat_id`
is posted to that robot's webhook, paced to WeCom's limit of 20 messages a minute per robot.

What WeCom answers becomes a Delivery: errcode 0 → Sent; 45009 (api freq out of limit: someone
else posts with the same robot too) → RetryAfter one window; -1 (system busy), network errors,
timeouts and HTTP 5xx → Retry; 93000 (invalid webhook url: the robot was removed from its group,
or the key is wrong) → Gone, as is a row whose robot is no longer in the table; any other errcode
→ Refused with WeCom's errmsg. Markdown over 4,096 bytes (WeCom's limit) is cut short.

The webhook key is a secret: it is looked up for each message (so a new key, or a removed robot,
counts at once), protected from every log record (bot.logs) before it is used, replaced in every
error this module builds (these end up in logs and in OutboxMessage.last_error), and limiters are
filed under its hash, not the key itself.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import aiohttp
import orjson
from aiolimiter import AsyncLimiter
from cachetools import LRUCache

from bot.config import WECOM_DEFAULT_API
from bot.logs import protect
from bot.outbox.pacing import window_limiter
from bot.outbox.transport import Delivery, Gone, Refused, Retry, RetryAfter, Sent
from storage.database import Database
from storage.models import OutboxMessage, WeComRobot

log = logging.getLogger(__name__)

CHANNEL = "wecom"
KEY_MASK = "<wecom-key>"
CONTENT_LIMIT = 4096  # bytes of UTF-8 in a markdown message
FREQ_OUT_OF_LIMIT = 45009
SYSTEM_BUSY = -1
# 93000 "invalid webhook url": no robot has this key (any more). Other codes are refused one
# message at a time until they are known to mean a robot that is gone.
GONE = frozenset({93000})
# A card or two may go out together; the rest of the window is paced evenly, with a wide margin
# (as for a Telegram group): a 45009 costs a whole window's wait.
BURST = 4
MARGIN = 0.9


def fit(content: str, limit: int = CONTENT_LIMIT) -> str:
    """The content, cut short (with …) to at most `limit` bytes of UTF-8."""
    data = content.encode()
    if len(data) <= limit:
        return content
    ellipsis = "…"
    return data[: limit - len(ellipsis.encode())].decode(errors="ignore") + ellipsis


class WeComTransport:
    channel = CHANNEL

    def __init__(
        self,
        db: Database,
        *,
        api_base: str = WECOM_DEFAULT_API,
        limit: float = 20,
        window: float = 60.0,
        request_timeout: float = 30.0,
        robots_tracked: int = 10_000,
    ) -> None:
        """At most `limit` messages in any `window` seconds to one robot (WeCom's: 20 a minute)."""
        self.db = db
        self.url = api_base.rstrip("/") + "/cgi-bin/webhook/send"
        self.limit = limit
        self.window = window
        self.request_timeout = request_timeout
        self._limiters: LRUCache[bytes, AsyncLimiter] = LRUCache(maxsize=robots_tracked)
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def deliver(self, row: OutboxMessage) -> Delivery:
        async with self.db.session() as s:
            robot = await s.get(WeComRobot, row.chat_id)
        if robot is None:
            return Gone(f"WeCom robot {row.chat_id} was removed")
        key = robot.key
        protect(key, KEY_MASK)
        body = _body(row)
        if isinstance(body, Refused):
            return body
        await self._limiter(key).acquire()
        try:
            answer = await self._post(key, body)
        except TimeoutError:
            return Retry(f"WeCom did not answer within {self.request_timeout:g} s")
        except aiohttp.ClientError as error:
            return Retry(_hide(key, f"WeCom unreachable: {type(error).__name__}: {error}"))
        if isinstance(answer, Retry | RetryAfter | Refused):
            return answer
        errcode, errmsg = answer
        error = _hide(key, f"WeCom {errcode}: {errmsg}")
        if errcode == 0:
            return Sent()
        if errcode == FREQ_OUT_OF_LIMIT:
            return RetryAfter(self.window, error)
        if errcode == SYSTEM_BUSY:
            return Retry(error)
        if errcode in GONE:
            return Gone(error)
        return Refused(error)

    async def _post(self, key: str, body: bytes) -> tuple[int, str] | Retry | RetryAfter | Refused:
        """(errcode, errmsg) from WeCom's answer, or what an HTTP-level failure means."""
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.request_timeout))
        async with self._http.post(
            self.url,
            params={"key": key},
            data=body,
            headers={"Content-Type": "application/json"},
            allow_redirects=False,  # the body goes to WeCom or nowhere
        ) as response:
            status = response.status
            text = await response.text(errors="replace")
            retry_after = response.headers.get("Retry-After", "")
        if status == 429:
            seconds = float(retry_after) if retry_after.isdigit() else self.window
            return RetryAfter(seconds, f"WeCom HTTP 429 (too many requests), wait {seconds:g} s")
        if status >= 500:
            return Retry(f"WeCom HTTP {status}")
        if status != 200:
            return Refused(f"WeCom HTTP {status}")
        try:
            answer: Any = orjson.loads(text)
            return int(answer["errcode"]), str(answer.get("errmsg", ""))
        except (ValueError, TypeError, KeyError):  # a proxy's error page, say: it may pass
            return Retry(_hide(key, f"not WeCom's answer: {text[:100]!r}"))

    def _limiter(self, key: str) -> AsyncLimiter:
        # One robot, one key: two grids sharing a robot share its limit too.
        digest = hashlib.sha256(key.encode()).digest()
        limiter = self._limiters.get(digest)
        if limiter is None:
            limiter = self._limiters[digest] = window_limiter(self.limit, self.window, burst=BURST, margin=MARGIN)
        return limiter


def _body(row: OutboxMessage) -> bytes | Refused:
    if row.method != "markdown":
        return Refused(f"WeCom robots take markdown messages, not {row.method!r}")
    content = row.params.get("content")
    if not isinstance(content, str) or not content.strip():
        return Refused("WeCom markdown message without content")
    return orjson.dumps({"msgtype": "markdown", "markdown": {"content": fit(content)}})


def _hide(key: str, text: str) -> str:
    return text.replace(key, KEY_MASK)
