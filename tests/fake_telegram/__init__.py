"""In-process fake of the Telegram Bot API for end-to-end bot tests.

Point aiogram at it with
``AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))``.
"""

from .fake import FakeTelegram
from .limits import FloodLimits
from .model import ApiCall, FakeChat, FakeUser, Fault

__all__ = ["ApiCall", "FakeChat", "FakeTelegram", "FakeUser", "Fault", "FloodLimits"]
