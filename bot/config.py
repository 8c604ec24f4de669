"""Settings, read from the environment and `.env` (documented in `.env.example`)."""

from __future__ import annotations

from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.deputies.points import DEFAULT_POINTS

TELEGRAM_DEFAULT_API = "https://api.telegram.org"
WECOM_DEFAULT_API = "https://qyapi.weixin.qq.com"
DEFAULT_DATABASE_URL = "sqlite:///./data/gridline.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh-CN"
    # A comma-separated list in the environment: ADMIN_IDS=111,222
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    telegram_api_base: str = TELEGRAM_DEFAULT_API
    # Organisation loaded on first start when the database holds none (default: the demo county).
    demo_org_file: Path | None = Field(default=None)
    # Telegram's flood limits; raise them only against a local Bot API server that allows it.
    flood_global_per_second: float = 30
    flood_private_per_second: float = 1
    flood_group_per_minute: float = 20
    # 集中履职日: the day of the month deputies visit their constituency (a station or deputy may
    # override it), and 履职积分 per action as JSON: DEPUTY_POINTS='{"visit": 5, "reply": 1}'.
    deputy_duty_day: int = Field(default=10, ge=1, le=31)
    deputy_day_time: time = time(8, 30)  # the duty-day reminder, local time
    deputy_eve_time: time = time(18, 0)  # the eve reminder, the day before
    deputy_points: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_POINTS))
    # Supervision (督办), in working days: remind this long before a deadline; escalate an issue
    # automatically (超期上报) once it has been overdue for longer than the grace period.
    due_soon_working_days: int = Field(default=1, ge=0, le=10)
    escalation_grace_working_days: int = Field(default=2, ge=0, le=30)
    # A Bot API request that takes longer counts as failed and is retried (it may arrive twice).
    send_timeout_seconds: float = 30
    # Several instances share the outbox: a chat's messages are leased to one sender for this long
    # (renewed while it runs); a killed instance's chats are taken over when the lease runs out.
    outbox_lease_seconds: float = Field(default=60, ge=4)
    # WeCom (企业微信) group robots, for staff where Telegram is blocked (`gridline wecom set`): the
    # API's address, and how many messages a robot may send a minute (WeCom allows 20).
    wecom_api_base: str = WECOM_DEFAULT_API
    wecom_per_minute: float = Field(default=20, gt=0)
    # A citizen sending faster is slowed down with a friendly notice (0: no limit).
    citizen_messages_per_minute: float = 20
    citizen_reports_per_hour: float = 5
    # Webhook mode (`gridline run --webhook`): Telegram posts updates to WEBHOOK_URL + WEBHOOK_PATH,
    # which a reverse proxy forwards to WEBHOOK_HOST:WEBHOOK_PORT.
    webhook_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_secret: SecretStr | None = None  # unset: a fresh random secret at every start
    # Several instances (`gridline run --webhook` behind one URL): conversation state, per-user
    # ordering, update dedupe and the flood limits are shared through this Redis server.
    redis_url: SecretStr | None = None

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone name
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids
