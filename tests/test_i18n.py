"""Every text exists in every language, and every key the code uses exists."""

import re
from pathlib import Path

import pytest

from bot.cli_text import PYDANTIC_CHECKS
from bot.config import EXPECTED
from bot.domain.enums import ActorRole, Disposition, EventKind
from bot.domain.lifecycle import IssueStatus, Rating
from bot.i18n import Translator
from bot.jobs.registry import catalogue
from bot.ledger.export import COLUMNS
from bot.ledger.stats import Tier
from handlers.commands import GROUP, PRIVATE
from handlers.keyboards import CARD_BUTTONS

ROOT = Path(__file__).resolve().parents[1]
translator = Translator()


def test_locales_have_the_same_keys() -> None:
    assert set(translator.locales) >= {"zh-CN", "en"}
    source = translator.keys("zh-CN")
    for locale in translator.locales:
        assert translator.keys(locale) == source, locale


def _keys_used_in_code() -> set[str]:
    pattern = re.compile(r"""\bt\(\s*"([a-z0-9-]+)"|(?:headline|key)="([a-z0-9-]+)\"""")
    keys: set[str] = set()
    for folder in ("bot", "handlers", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in pattern.finditer(path.read_text(encoding="utf-8")):
                keys.add(match.group(1) or match.group(2))
    return keys


def test_every_key_used_in_code_exists() -> None:
    missing = {key for key in _keys_used_in_code() if not translator.has(key)}
    assert not missing


def test_dynamic_keys_exist() -> None:
    dynamic = [f"status-{s.value.replace('_', '-')}" for s in IssueStatus]
    dynamic += [f"event-{e.value.replace('_', '-')}" for e in EventKind]
    dynamic += [f"actor-{r.value}" for r in ActorRole]
    dynamic += [f"rating-{r.value}" for r in Rating]
    dynamic += [f"command-{name}" for name in (*PRIVATE, *GROUP)]
    dynamic += [f"disposition-{d.value}" for d in Disposition]
    dynamic += [key for _action, key in CARD_BUTTONS.values()]
    dynamic += [f"ledger-col-{key}" for key, _width in COLUMNS]
    dynamic += [f"ledger-rating-{r.value}" for r in Rating] + [f"tier-{tier.value}" for tier in Tier]
    dynamic += [f"weekday-{n}" for n in range(1, 8)]
    dynamic += [f"{key}-many" for key in ("remind-due-soon", "remind-overdue")]
    dynamic += [f"cli-expected-{name.replace('_', '-')}" for name in EXPECTED] + ["cli-expected-number"]
    dynamic += [f"cli-setting-{check.replace('_', '-')}" for check in PYDANTIC_CHECKS]
    dynamic += [f"cli-owner-{owner}" for owner in ("grid", "department")]
    dynamic += [f"cli-job-{name}" for name in catalogue()]
    assert [key for key in dynamic if not translator.has(key)] == []


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_variables_are_filled(locale: str) -> None:
    text = translator.get(locale, "push-received", ref="GL-2611-0001", category="C", grid="G")
    assert "GL-2611-0001" in text and "{" not in text


def test_a_group_of_messages_leaves_its_variables_to_fill_in(tmp_path: Path) -> None:
    for locale, body in (("zh-CN", "x-a = 甲 { $n }\nx-b = 乙\ny-c = 丙\n"), ("en", "x-a = A { $n }\n")):
        (tmp_path / locale).mkdir()
        (tmp_path / locale / "x.ftl").write_text(body, encoding="utf-8")
    local = Translator("zh-CN", tmp_path)
    assert local.group("en", "x-") == {"x-a": "A {n}", "x-b": "乙"}  # a gap filled from the source
    assert local.group(None, "x-") == {"x-a": "甲 {n}", "x-b": "乙"}
    assert translator.group("en", "sandbox-preset-")["sandbox-preset-days"] == "+{days} days"


def test_language_codes_resolve() -> None:
    assert translator.resolve("en-US") == "en"
    assert translator.resolve("zh-hans") == "zh-CN"
    assert translator.resolve("fr") == "zh-CN"
    assert translator.resolve(None) == "zh-CN"


def test_gridline_jobs_list_says_in_english_what_the_registry_says() -> None:
    for spec in catalogue().values():
        assert translator.get("en", f"cli-job-{spec.name}") == spec.description, spec.name
