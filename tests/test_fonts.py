from fontTools.ttLib import TTFont

from bot.fonts import cjk_font_path


def test_static_cjk_font_covers_chinese_and_is_regular() -> None:
    path = cjk_font_path("regular")
    font = TTFont(path)
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "民情直通车网格办结满意度人大代表")
    assert "fvar" not in font  # a static instance, not the Thin default of the variable font
    assert font["OS/2"].usWeightClass == 400
    assert cjk_font_path("regular") == path
