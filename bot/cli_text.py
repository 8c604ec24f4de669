"""What the `gridline` command says, in its language: DEFAULT_LOCALE (the environment or .env, as
the settings read it). When that setting cannot be read (it is itself wrong), LANG's language if
there are texts for it, else zh-CN. Texts: bot/locales/<locale>/cli.ftl. Log lines stay English."""

from __future__ import annotations

import os
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.i18n import SOURCE_LOCALE, Explained, Translate, shared

# pydantic's own checks that have a sentence of ours (cli-setting-<type>); any other keeps its words.
PYDANTIC_CHECKS = (
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "int_parsing",
    "int_from_float",
    "float_parsing",
    "bool_parsing",
    "time_parsing",
)
_BOUNDS = ("gt", "ge", "lt", "le")

_chosen: Translate | None = None


def cli_locale() -> str:
    """The command line's language, decided as the module's docstring says."""
    from bot.config import LocaleSetting

    try:
        return LocaleSetting().default_locale
    except ValidationError:
        lang = os.environ.get("LANG", "").split(".")[0].split("@")[0]
        return shared().resolve(lang) if lang else SOURCE_LOCALE


def choose() -> Translate:
    """Settle the language for this command (once, before it starts)."""
    global _chosen
    _chosen = shared().bind(cli_locale())
    return _chosen


def t(key: str, **fields: Any) -> str:
    return (_chosen or choose())(key, **fields)


def explain(error: BaseException) -> str:
    """An error's line: in the command's language if it is one of ours, else its own words."""
    if isinstance(error, Explained):
        return t(error.key, **error.fields)
    return str(error)


def setting_problem(problem: ErrorDetails) -> str:
    """One bad setting: its name, literally, why it was refused and the form it expects."""
    from bot.config import EXPECTED, known_locales

    field = str(problem["loc"][0]) if problem["loc"] else ""
    cause = problem.get("ctx", {}).get("error")
    if isinstance(cause, Explained):
        reason = explain(cause)
    elif problem["type"] in PYDANTIC_CHECKS:
        bounds = {name: str(value) for name, value in problem.get("ctx", {}).items() if name in _BOUNDS}
        check = "cli-setting-" + problem["type"].replace("_", "-")
        reason = t(check, **bounds)
    else:
        reason = str(problem["msg"]).removeprefix("Value error, ")
    if field in EXPECTED:
        form = "cli-expected-" + field.replace("_", "-")
        expected = t(form, locales=", ".join(known_locales()), actions=", ".join(_point_actions()))
    elif problem["type"].startswith(("greater", "less", "float", "int")):
        expected = t("cli-expected-number")
    else:
        expected = ""
    if not field:  # a rule across settings names them itself
        return reason
    if expected:
        return t("cli-setting-line", setting=field.upper(), reason=reason, expected=expected)
    return t("cli-setting-line-bare", setting=field.upper(), reason=reason)


def settings_problems(error: ValidationError) -> str:
    return "\n".join(setting_problem(problem) for problem in error.errors())


def _point_actions() -> list[str]:
    from bot.deputies.points import DEFAULT_POINTS

    return list(DEFAULT_POINTS)
