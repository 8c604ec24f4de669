from fontTools.ttLib import TTFont

from bot import fonts
from bot.fonts import cjk_font_path


def test_static_cjk_font_covers_chinese_and_is_regular() -> None:
    path = cjk_font_path("regular")
    font = TTFont(path)
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "民情直通车网格办结满意度人大代表")
    assert "fvar" not in font  # a static instance, not the Thin default of the variable font
    assert font["OS/2"].usWeightClass == 400
    assert cjk_font_path("regular") == path


def test_a_fresh_install_cuts_every_weight_in_the_background(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GRIDLINE_CACHE_DIR", str(tmp_path))
    cut: list[str] = []
    monkeypatch.setattr(fonts, "cjk_font_path", cut.append)
    thread = fonts.prepare_in_background()
    assert thread is not None and thread.daemon
    thread.join(timeout=10)
    assert cut == list(fonts.WEIGHTS)


def test_nothing_to_cut_when_every_weight_is_there(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GRIDLINE_CACHE_DIR", str(tmp_path))
    folder = fonts.cache_dir()
    folder.mkdir(parents=True)
    for weight in fonts.WEIGHTS:
        (folder / f"NotoSansSC-{weight}.ttf").symlink_to(cjk_font_path(weight))
    assert fonts.prepare_in_background() is None
