"""Who is told what: notices in (bot/domain/notices.py), channels out (Telegram, WeCom robots)."""
