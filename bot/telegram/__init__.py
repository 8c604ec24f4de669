"""The Telegram adapter: everything that knows the Bot API. The domain never imports it."""
