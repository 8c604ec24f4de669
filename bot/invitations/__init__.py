"""One-time, expiring invitation links that tie a Telegram account to a role."""
