"""The outbox: every message the system sends on its own is a row first, then a Telegram request."""
