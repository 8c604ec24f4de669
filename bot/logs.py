"""The bot token never reaches a log line.

Libraries may put a request URL (https://api.telegram.org/bot<token>/...) into an error message
or a traceback. Every log record is redacted as it is created, whichever logger or handler
emits it, including the text of an attached exception.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

MASK = "<bot-token>"
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):  # the whole token before its secret part
        text = text.replace(secret, MASK)
    return text


def protect(secret: str) -> None:
    """Redact `secret` (and its id-less part, the bit after the colon) from every log record."""
    global _installed
    if not secret:
        return
    _secrets.add(secret)
    if ":" in secret:
        _secrets.add(secret.split(":", 1)[1])
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        message = record.getMessage()
        if any(secret in message for secret in _secrets):
            record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    logging.setLogRecordFactory(factory)
