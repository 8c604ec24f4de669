"""Satisfaction arithmetic of the source documents, and a chart whose Chinese really renders."""

import warnings

from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.text import Text

from bot.domain.lifecycle import Rating
from bot.fonts import cjk_font_path
from bot.i18n import Translator
from bot.ledger.chart import draw
from bot.ledger.stats import Tier, UnitStats, satisfaction, tier_of


def test_satisfaction_points_and_tiers() -> None:
    assert satisfaction([]) == (None, None)
    assert satisfaction([Rating.SATISFIED, Rating.BASIC]) == (80, Tier.SATISFIED)
    assert satisfaction([Rating.BASIC, Rating.BASIC, Rating.SATISFIED, Rating.UNSATISFIED]) == (55, Tier.UNSATISFIED)
    assert tier_of(79.9) == Tier.BASIC and tier_of(60) == Tier.BASIC and tier_of(59.9) == Tier.UNSATISFIED


def test_chart_draws_chinese_with_the_cjk_font() -> None:
    t = Translator().bind("zh-CN")
    units = [UnitStats("南大街社区", 12, 9, 2, 86.7, Tier.SATISFIED), UnitStats("葛城街道城管办", 3, 1, 1, None, None)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for boxes
        png, figure = draw(t, units, title="葛城街道 挂图作业（2026-11-01 至 2026-11-23）")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    cjk = str(cjk_font_path("regular"))
    cmap = TTFont(cjk).getBestCmap()
    chinese = [text for text in figure.findobj(Text) if any("\u4e00" <= ch <= "\u9fff" for ch in text.get_text())]
    shown = " ".join(text.get_text() for text in chinese)
    for expected in (
        "南大街社区",
        "葛城街道城管办",
        "挂图作业",
        "受理",
        "按时办结",
        "超期",
        "满意度 87 · 满意",
        "暂无评价",
    ):
        assert expected in shown
    for text in chinese:
        assert font_manager.findfont(text.get_fontproperties()) == cjk, text.get_text()
        assert all(ord(ch) in cmap for ch in text.get_text() if not ch.isspace()), text.get_text()
    assert TTFont(cjk)["name"].getDebugName(1).startswith("Noto Sans SC")
