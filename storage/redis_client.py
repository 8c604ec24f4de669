"""The Redis connection that instances of one bot share state through (REDIS_URL)."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

# Every message paced and every update claimed is a short command: a caller waits for a free
# connection rather than failing when a fan-out has many under way at once.
MAX_CONNECTIONS = 32


def connect(url: str) -> Redis:
    return Redis(connection_pool=BlockingConnectionPool.from_url(url, max_connections=MAX_CONNECTIONS, timeout=None))
