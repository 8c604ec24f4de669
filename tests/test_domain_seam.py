"""The domain knows no channel: importing it, its flows and its jobs loads neither aiogram nor the
Telegram handlers, so a second channel (a WeCom robot, a web chat) plugs into the same seam."""

from __future__ import annotations

import subprocess
import sys

DOMAIN = [
    "bot.domain.enums",
    "bot.domain.lifecycle",
    "bot.domain.notices",
    "bot.domain.similarity",
    "bot.notify.audience",
    "bot.issues.flows",
    "bot.triage.flows",
    "bot.triage.scheduled",
    "bot.deputies.flows",
    "bot.deputies.scheduled",
    "bot.deputies.kept",
    "bot.followthrough.flows",
    "bot.followthrough.scheduled",
    "bot.followthrough.stats",
    "bot.ledger.ledger",
    "bot.personal_data",
    "bot.invitations.service",
    "bot.outbox.queue",
    "bot.open311.georeport",  # Open311 is another channel on the same seam
    "bot.open311.keys",
    "storage.models",
]

# A fresh interpreter: this test process has imported aiogram long ago.
PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("aiogram", "handlers") or m.startswith("bot.telegram"))
print("\\n".join(leaked))
"""


def test_the_domain_and_its_flows_import_no_telegram_code() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, *DOMAIN], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_probe_sees_a_telegram_import() -> None:
    """The check above can fail: the Telegram channel itself is caught."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "bot.telegram.channel"], capture_output=True, text=True, check=True
    )
    assert "aiogram" in done.stdout.split()
