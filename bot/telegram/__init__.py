"""The Telegram adapter: the outbox's transport for Telegram chats (delivery.py) and the Bot API
flood limits every outgoing request keeps to (flood.py)."""
