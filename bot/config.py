"""Settings, read from the environment and `.env` (documented in `.env.example`)."""

from __future__ import annotations

import json
import re
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.deputies.points import DEFAULT_POINTS
from bot.i18n import Explained

TELEGRAM_DEFAULT_API = "https://api.telegram.org"
WECOM_DEFAULT_API = "https://qyapi.weixin.qq.com"
DEFAULT_DATABASE_URL = "sqlite:///./data/gridline.db"
LOCALES_DIR = Path(__file__).with_name("locales")
# What @BotFather hands out (aiogram's own check): the bot's numeric id, a colon, the secret.
TOKEN_FORM = re.compile(r"\d+:\S+")
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql")


class SettingInvalid(Explained, ValueError):
    """A setting's value is wrong: the sentence (cli-setting-*) says why, the setting is named beside it."""


class LocaleSetting(BaseSettings):
    """The language alone, read as Settings reads it: the command line speaks it even when another
    setting is wrong (bot/cli_text.py)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    default_locale: str = "zh-CN"

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in known_locales():
            raise SettingInvalid(key="cli-setting-unknown-locale", value=repr(value))
        return value


class Settings(LocaleSetting):
    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    # A comma-separated list in the environment: ADMIN_IDS=111,222
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    telegram_api_base: str = TELEGRAM_DEFAULT_API
    # Organisation loaded on first start when the database holds none (default: the demo county).
    demo_org_file: Path | None = Field(default=None)
    # Telegram's flood limits; raise them only against a local Bot API server that allows it.
    flood_global_per_second: float = Field(default=30, gt=0)
    flood_private_per_second: float = Field(default=1, gt=0)
    flood_group_per_minute: float = Field(default=20, gt=0)
    # Of a group's budget, this much a minute is kept for cards (the outbox): direct answers to
    # commands and buttons get the rest. Per person in a group: commands and button presses a minute
    # before the bot stops answering them (after one notice); 0: no limit.
    group_card_reserve_per_minute: float = Field(default=6, ge=0)
    group_commands_per_minute: float = Field(default=5, ge=0)
    group_presses_per_minute: float = Field(default=30, ge=0)
    # 集中履职日: the day of the month deputies visit their constituency (a station or deputy may
    # override it), and 履职积分 per action as JSON: DEPUTY_POINTS='{"visit": 5, "reply": 1}'.
    deputy_duty_day: int = Field(default=10, ge=1, le=31)
    deputy_day_time: time = time(8, 30)  # the duty-day reminder, local time
    deputy_eve_time: time = time(18, 0)  # the eve reminder, the day before
    deputy_points: Annotated[dict[str, int], NoDecode] = Field(default_factory=lambda: dict(DEFAULT_POINTS))
    # Supervision (督办), in working days: remind this long before a deadline; escalate an issue
    # automatically (超期上报) once it has been overdue for longer than the grace period.
    due_soon_working_days: int = Field(default=1, ge=0, le=10)
    escalation_grace_working_days: int = Field(default=2, ge=0, le=30)
    # 回访 / 回头看: the citizen is asked whether the problem is solved this many days after it was
    # resolved (and once more as long again after 不清楚).
    lookback_days: int = Field(default=7, ge=1, le=90)
    # A conversation (a report's draft, which may hold a phone number) left alone this long is forgotten.
    draft_keep_days: int = Field(default=30, ge=1, le=365)
    # Yellow and red warnings (issue 18): share of an issue's time limit (working time) used, in
    # percent, at which its card and ledger row turn 🟡 (the responsible person is told once) and 🔴.
    # Red at 100 is overdue (超期); lower, an issue turns red before its deadline.
    warning_yellow_percent: int = Field(default=70, ge=1, le=100)
    warning_red_percent: int = Field(default=100, ge=1, le=100)
    # 延期申请: the most working days one request may ask for.
    extension_max_working_days: int = Field(default=10, ge=1, le=60)
    # A Bot API request that takes longer counts as failed and is retried (it may arrive twice).
    send_timeout_seconds: float = Field(default=30, gt=0)
    # `gridline run` keeps trying to reach the Bot API this long at start, then exits with the reason.
    telegram_start_retry_seconds: float = Field(default=60, ge=0)
    # Several instances share the outbox: a chat's messages are leased to one sender for this long
    # (renewed while it runs); a killed instance's chats are taken over when the lease runs out.
    outbox_lease_seconds: float = Field(default=60, ge=4)
    # WeCom (企业微信) group robots, for staff where Telegram is blocked (`gridline wecom set`): the
    # API's address, and how many messages a robot may send a minute (WeCom allows 20).
    wecom_api_base: str = WECOM_DEFAULT_API
    wecom_per_minute: float = Field(default=20, gt=0)
    # A citizen sending faster is slowed down with a friendly notice (0: no limit).
    citizen_messages_per_minute: float = Field(default=20, ge=0)
    citizen_reports_per_hour: float = Field(default=5, ge=0)
    # Webhook mode (`gridline run --webhook`): Telegram posts updates to WEBHOOK_URL + WEBHOOK_PATH,
    # which a reverse proxy forwards to WEBHOOK_HOST:WEBHOOK_PORT.
    webhook_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_secret: SecretStr | None = None  # unset: a fresh random secret at every start
    # Open311 GeoReport v2 under /open311/v2/: inside the webhook server when OPEN311_ENABLED, or
    # alone with `gridline api` on OPEN311_HOST:OPEN311_PORT.
    open311_enabled: bool = False
    open311_host: str = "127.0.0.1"
    open311_port: int = Field(default=8081, ge=1, le=65535)
    # POST requests a minute per API key, then 429 (per process: each instance counts its own).
    open311_posts_per_minute: int = Field(default=10, gt=0)
    # The jurisdiction_id served (discovery's and the spec's parameter): a request naming another is
    # a 404. Empty: one jurisdiction, any or no jurisdiction_id accepted.
    open311_jurisdiction: str = ""
    # discovery.json's contact: who city systems ask for help and for a key.
    open311_contact: str = ""
    # `gridline sandbox`'s page (it listens on 127.0.0.1 unless started with --host).
    sandbox_port: int = Field(default=8765, ge=0, le=65535)
    # Several instances (`gridline run --webhook` behind one URL): conversation state, per-user
    # ordering, update dedupe and the flood limits are shared through this Redis server.
    redis_url: SecretStr | None = None

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            ids = set()
            for part in (p for p in value.replace(";", ",").split(",") if p.strip()):
                try:
                    ids.add(int(part))
                except ValueError:
                    raise SettingInvalid(key="cli-setting-not-an-id", value=repr(part.strip())) from None
            return frozenset(ids)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingInvalid(key="cli-setting-not-a-zone") from None
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_form(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip():
            if not TOKEN_FORM.fullmatch(value.get_secret_value().strip()):
                raise SettingInvalid(key="cli-setting-not-a-token")  # the value is a secret: never repeated
            return SecretStr(value.get_secret_value().strip())
        return value

    @field_validator("deputy_points", mode="before")
    @classmethod
    def _points_json(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise SettingInvalid(key="cli-setting-not-json", position=str(error.pos + 1)) from None
        if not isinstance(value, dict):
            raise SettingInvalid(key="cli-setting-not-an-object")
        unknown = sorted(set(value) - set(DEFAULT_POINTS))
        if unknown:
            raise SettingInvalid(key="cli-setting-unknown-action", action=repr(unknown[0]))
        return value

    @field_validator("telegram_api_base", "wecom_api_base", "webhook_url")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise SettingInvalid(key="cli-setting-not-http")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise SettingInvalid(key="cli-setting-no-slash")
        return value

    @field_validator("open311_jurisdiction", "open311_contact")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @field_validator("open311_jurisdiction")
    @classmethod
    def _jurisdiction(cls, value: str) -> str:
        if value and not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", value):
            raise SettingInvalid(key="cli-setting-not-a-jurisdiction")
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        scheme = value.split("://", 1)[0].split("+", 1)[0] if "://" in value else ""
        if scheme not in DATABASE_SCHEMES:
            raise SettingInvalid(key="cli-setting-not-a-database")
        return value

    @field_validator("demo_org_file")
    @classmethod
    def _org_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise SettingInvalid(key="cli-setting-no-file", path=repr(str(value)))
        return value

    @model_validator(mode="after")
    def _reserve_below_group_limit(self) -> Settings:
        if self.group_card_reserve_per_minute >= self.flood_group_per_minute:
            raise SettingInvalid(
                key="cli-setting-reserve",
                reserve=f"{self.group_card_reserve_per_minute:g}",
                limit=f"{self.flood_group_per_minute:g}",
            )
        return self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids


def known_locales() -> list[str]:
    """The locales there are texts for (a folder each under bot/locales)."""
    return sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir())


# The settings whose expected form the one line a bad value gets names (bot/cli_text.py), each
# in bot/locales/*/cli.ftl as cli-expected-<setting>; a bound a number breaks: cli-expected-number.
EXPECTED = (
    "bot_token",
    "database_url",
    "timezone",
    "default_locale",
    "admin_ids",
    "telegram_api_base",
    "wecom_api_base",
    "webhook_url",
    "webhook_path",
    "webhook_port",
    "open311_port",
    "open311_posts_per_minute",
    "open311_jurisdiction",
    "sandbox_port",
    "demo_org_file",
    "deputy_duty_day",
    "deputy_day_time",
    "deputy_eve_time",
    "deputy_points",
    "due_soon_working_days",
    "draft_keep_days",
    "escalation_grace_working_days",
)
