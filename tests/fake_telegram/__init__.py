"""The fake Bot API moved into the product (`bot.sandbox.botapi`, the sandbox's Bot API server).

This alias keeps `tests.fake_telegram` and its submodules importable for tests written before the
move (other branches); new code imports `bot.sandbox.botapi`.
"""

import sys

from bot.sandbox import botapi
from bot.sandbox.botapi import *  # noqa: F403
from bot.sandbox.botapi import fake, formatting, limits, methods, model, server

for _module in (fake, formatting, limits, methods, model, server):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module

__all__ = botapi.__all__
