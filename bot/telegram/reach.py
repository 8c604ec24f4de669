"""Reaching the Bot API. At start: a few tries with backoff, one log line each, then one clear line
("cannot reach <API base>: <reason>") for `gridline run` to exit with. While polling: aiogram retries
for ever; its two log lines per failed attempt become one, and its backoff grows to a minute."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.utils.backoff import BackoffConfig

from bot.i18n import Explained

log = logging.getLogger(__name__)

# Polling after the network is lost: 1 s, 2 s, 4 s … then once a minute (aiogram's default stops at 5 s).
POLLING_BACKOFF = BackoffConfig(min_delay=1.0, max_delay=60.0, factor=2.0, jitter=0.1)
START_MAX_DELAY = 30.0
T = TypeVar("T")


class TelegramUnreachable(Explained, RuntimeError):
    """The Bot API cannot be reached (or refuses the token): the one line to show (bot/locales/*/cli.ftl)."""


def reason(error: BaseException, token: str = "") -> str:
    """The first line of what went wrong, without aiogram's prefix and never with the token."""
    text = error.message if isinstance(error, TelegramAPIError) else str(error)
    text = text.removeprefix("HTTP Client says - ").strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return line.replace(token, "<token>") if token else line


async def reach(
    bot: Bot,
    api_base: str,
    *,
    patience: float,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Ask the Bot API who the bot is, retrying network failures for `patience` seconds.
    Raises TelegramUnreachable with one line once the next try would come later than that."""
    await at_start(bot.get_me, bot=bot, api_base=api_base, patience=patience, sleep=sleep, clock=clock)


async def at_start(
    step: Callable[[], Awaitable[T]],
    *,
    bot: Bot,
    api_base: str,
    patience: float,
    refused: str = "cli-telegram-unusable",
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    **fields: str,
) -> T:
    """One call the bot makes before it serves (getMe, setWebhook, setMyCommands...): network
    failures retried with backoff for `patience` seconds, one log line each; anything Telegram
    refuses is one line (`refused`, a message id of cli.ftl, with `reason` and `fields`)."""
    deadline = clock() + patience
    attempt = 0
    while True:
        attempt += 1
        try:
            result = await step()
        except TelegramUnauthorizedError:
            raise TelegramUnreachable("cli-telegram-refuses-token", base=api_base) from None
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as error:
            unreachable = TelegramUnreachable(
                "cli-telegram-unreachable", base=api_base, reason=reason(error, bot.token)
            )
            delay = min(START_MAX_DELAY, 2.0 ** (attempt - 1))
            if isinstance(error, TelegramRetryAfter):
                delay = float(error.retry_after)
            if clock() + delay > deadline:
                raise unreachable from None
            log.warning("%s (attempt %d, next in %.0f s)", unreachable, attempt, delay)
            await sleep(delay)
            continue
        except TelegramAPIError as error:  # a 404 from something that is not a Bot API, a bad webhook URL...
            raise TelegramUnreachable(refused, base=api_base, reason=reason(error, bot.token), **fields) from None
        if attempt > 1:
            log.info("reached %s after %d attempts", api_base, attempt)
        return result
