"""The Telegram adapter: everything that knows the Bot API (the domain never imports it): the
channel that renders notices (channel.py, texts.py), the outbox transport (delivery.py) and the
flood limits every outgoing request keeps to (flood.py)."""
