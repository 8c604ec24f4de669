"""The translation layer: every user-facing text is a Fluent message in `bot/locales/<locale>/`.

zh-CN is the source language; other locales fall back to it message by message, so a
missing English string shows Chinese rather than a key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import ast as syntax
from fluent.syntax.visitor import Visitor

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).with_name("locales")
SOURCE_LOCALE = "zh-CN"

# A translator bound to one locale: t(message_id, name=...) -> str
Translate = Callable[..., str]


class Translator:
    def __init__(self, default_locale: str = SOURCE_LOCALE, locales_dir: Path = LOCALES_DIR) -> None:
        self._bundles: dict[str, FluentBundle] = {}
        for folder in sorted(p for p in locales_dir.iterdir() if p.is_dir()):
            # use_isolating=False: Telegram shows the Unicode isolation marks as junk characters.
            bundle = FluentBundle([folder.name], use_isolating=False)
            for ftl in sorted(folder.glob("*.ftl")):
                errors = bundle.add_resource(FluentResource(ftl.read_text(encoding="utf-8")))
                if errors:
                    raise ValueError(f"{ftl}: {errors}")
            self._bundles[folder.name] = bundle
        if SOURCE_LOCALE not in self._bundles:
            raise ValueError(f"no {SOURCE_LOCALE} messages in {locales_dir}")
        self.default_locale = self.resolve(default_locale)

    @property
    def locales(self) -> list[str]:
        return list(self._bundles)

    def resolve(self, locale: str | None) -> str:
        """Map a stored or Telegram-reported language code onto a locale we have."""
        if not locale:
            return getattr(self, "default_locale", SOURCE_LOCALE)
        if locale in self._bundles:
            return locale
        base = locale.replace("_", "-").split("-")[0].lower()
        for known in self._bundles:
            if known.split("-")[0].lower() == base:
                return known
        return getattr(self, "default_locale", SOURCE_LOCALE)

    def has(self, key: str) -> bool:
        return self._bundles[SOURCE_LOCALE].has_message(key)

    def keys(self, locale: str = SOURCE_LOCALE) -> set[str]:
        return set(self._bundles[locale]._messages)  # noqa: SLF001 - fluent has no public listing

    def group(self, locale: str | None, prefix: str) -> dict[str, str]:
        """Every message whose id starts with `prefix`, formatted in `locale` (the source language
        filling a gap). A variable is left in the text as `{name}`, for a client to fill in (the
        sandbox's page does): a selector on one therefore shows its default variant."""
        texts = {}
        for key in sorted(k for k in self.keys(SOURCE_LOCALE) if k.startswith(prefix)):
            candidate = self.resolve(locale)
            if not self._bundles[candidate].has_message(key):
                candidate = SOURCE_LOCALE
            placeholders = {name: f"{{{name}}}" for name in self._variables(candidate, key)}
            texts[key] = self.get(candidate, key, **placeholders)
        return texts

    def _variables(self, locale: str, key: str) -> set[str]:
        found = _Variables()
        found.visit(self._bundles[locale]._messages[key])  # noqa: SLF001 - the message's syntax tree
        return found.names

    def get(self, locale: str | None, key: str, **args: Any) -> str:
        for candidate in (self.resolve(locale), SOURCE_LOCALE):
            bundle = self._bundles[candidate]
            if bundle.has_message(key):
                pattern = bundle.get_message(key).value
                text, errors = bundle.format_pattern(pattern, args)
                if errors:
                    log.warning("translation %s/%s: %s", candidate, key, errors)
                return text
        log.error("missing translation key %s", key)
        return key

    def bind(self, locale: str | None) -> Translate:
        resolved = self.resolve(locale)

        def translate(key: str, **args: Any) -> str:
            return self.get(resolved, key, **args)

        translate.locale = resolved  # type: ignore[attr-defined]
        return translate


class _Variables(Visitor):
    """The names of the variables (`{ $name }`) a message uses."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_VariableReference(self, node: syntax.VariableReference) -> None:  # noqa: N802 - fluent's visitor naming
        self.names.add(node.id.name)


@cache
def shared() -> Translator:
    """One translator for the process's texts outside a chat (the command line, error messages)."""
    return Translator()


@dataclass(frozen=True)
class Line:
    """A line an operator reads that is not an error (a job's summary): a message id in bot/locales
    and its fields. str() is the English text, for the log; `in_(translate)` says it in a language."""

    key: str
    fields: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return shared().get("en", self.key, **self.fields)

    def in_(self, translate: Translate) -> str:
        return translate(self.key, **self.fields)


def line(key: str, **fields: Any) -> Line:
    return Line(key, {name: str(value) for name, value in fields.items()})


class Explained(Exception):
    """An error an operator reads: a message id in bot/locales and its fields. str() is the English
    text (for logs and tracebacks); the command line says it in its own language (bot/cli_text.py)."""

    def __init__(self, key: str, **fields: Any) -> None:
        self.key = key
        self.fields = fields
        super().__init__(shared().get("en", key, **fields))
