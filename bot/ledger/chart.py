"""The 挂图作业 chart: grouped bars per unit, with the satisfaction score and tier above each.

Drawn with matplotlib's Agg backend and the Noto Sans SC font the project installs itself
(bot/fonts.py), so Chinese labels render instead of empty boxes.
"""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bot.fonts import cjk_font_path  # noqa: E402
from bot.i18n import Translate  # noqa: E402
from bot.ledger.stats import UnitStats  # noqa: E402

COLOURS = ("#4472C4", "#70AD47", "#C00000")


@cache
def cjk_font() -> font_manager.FontProperties:
    path = cjk_font_path("regular")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path))


def draw(t: Translate, stats: list[UnitStats], *, title: str) -> tuple[bytes, Figure]:
    """PNG bytes, and the figure (tests look at the fonts its texts used)."""
    font = cjk_font()
    figure = Figure(figsize=(max(6.0, 1.4 * len(stats) + 2), 4.8), dpi=120)
    axes = figure.subplots()
    width = 0.26
    series = [
        (t("stats-received"), [u.received for u in stats]),
        (t("stats-on-time"), [u.on_time for u in stats]),
        (t("stats-overdue"), [u.overdue for u in stats]),
    ]
    positions = list(range(len(stats)))
    for index, ((label, values), colour) in enumerate(zip(series, COLOURS, strict=True)):
        bars = axes.bar([p + (index - 1) * width for p in positions], values, width, label=label, color=colour)
        axes.bar_label(bars, fontproperties=font, fontsize=8)
    top = max([u.received for u in stats] + [1])
    for position, unit in zip(positions, stats, strict=True):
        score = (
            t("stats-no-rating")
            if unit.satisfaction is None
            else t(
                "stats-satisfaction",
                score=f"{unit.satisfaction:.0f}",
                tier=t(f"tier-{unit.tier.value}") if unit.tier else "",
            )
        )
        axes.text(position, top * 1.12, score, ha="center", fontproperties=font, fontsize=9)
    axes.set_ylim(0, top * 1.3 + 1)
    axes.set_xticks(positions, [u.name for u in stats], fontproperties=font)
    axes.set_title(title, fontproperties=font)
    axes.set_ylabel(t("stats-count"), fontproperties=font)
    axes.legend(prop=font, loc="upper right")
    for label in axes.get_yticklabels():
        label.set_fontproperties(font)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue(), figure
