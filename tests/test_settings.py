"""Every setting is documented in .env.example, and the example parses."""

import re
from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]


# Read by compose.yaml (the deployment), not by Gridline: documented in .env.example all the same.
COMPOSE_ONLY = {"GRIDLINE_DOMAIN", "POSTGRES_PASSWORD"}


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    assert documented - COMPOSE_ONLY == {name.upper() for name in Settings.model_fields}
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert documented >= COMPOSE_ONLY and all(f"${{{name}" in compose for name in COMPOSE_ONLY)


def test_env_example_parses_to_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = Settings(_env_file=ROOT / ".env.example")
    assert settings.bot_token is None  # left empty on purpose
    assert settings.timezone == "Asia/Shanghai" and settings.default_locale == "zh-CN"
    assert settings.database_url.startswith("sqlite:///")
