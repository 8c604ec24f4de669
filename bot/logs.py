"""The bot token, and WeCom robots' webhook keys, never reach a log line.

Libraries may put a request URL (https://api.telegram.org/bot<token>/...,
.../cgi-bin/webhook/send?key=<key>) into an error message or a traceback. Every log record is
redacted as it is created, whichever logger or handler emits it, including the text of an
attached exception.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

MASK = "<bot-token>"
# secret -> what stands in its place; replaced whole, never changed, as other threads log too
_secrets: dict[str, str] = {}
_installed = False


def redact(text: str) -> str:
    secrets = _secrets
    for secret in sorted(secrets, key=len, reverse=True):  # the whole token before its secret part
        text = text.replace(secret, secrets[secret])
    return text


def protect(secret: str, mask: str = MASK) -> None:
    """Redact `secret` (and, for a bot token, its id-less part: the bit after the colon) from every
    log record, shown as `mask`."""
    global _installed, _secrets
    if not secret or _secrets.get(secret) == mask:
        return
    added = {secret: mask}
    if ":" in secret:
        added[secret.split(":", 1)[1]] = mask
    _secrets = {**_secrets, **added}
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        message = record.getMessage()
        if any(secret in message for secret in _secrets):  # (a dict no one changes: see protect)
            record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    logging.setLogRecordFactory(factory)
