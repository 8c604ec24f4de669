"""A local Bot API server with a message store: the end-to-end tests' fake Telegram and the
sandbox's (`gridline sandbox`) Telegram. Nothing it does reaches Telegram.

    async with FakeTelegram(bot_username="gridline_test_bot") as fake:
        session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
        bot = Bot("123456:TEST", session=session)
        alice = fake.user(1001, "Alice")
        mark = fake.mark()
        await fake.send_text(alice, "/start")          # queued for getUpdates
        call = await fake.wait_for("sendMessage", chat_id=1001, since=mark)

Modules: ``model`` (data + JSON builders), ``formatting`` (HTML parse mode),
``methods`` (Bot API handlers), ``server`` (aiohttp transport, faults),
``limits`` (flood limits), ``fake`` (the test-facing ``FakeTelegram``).
"""

from .fake import FakeTelegram
from .limits import FloodLimits
from .model import ApiCall, FakeChat, FakeUser, Fault

__all__ = ["ApiCall", "FakeChat", "FakeTelegram", "FakeUser", "Fault", "FloodLimits"]
