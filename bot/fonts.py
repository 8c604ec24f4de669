"""A CJK font for everything Gridline draws (charts, printable deputy cards).

The project installs Noto Sans SC from PyPI (justmytype-intl-cjk) as a variable font. Its default
instance is Thin, and matplotlib cannot choose a weight of a variable font, so we cut static
instances with fontTools once per machine and keep them in a cache folder.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import cache
from pathlib import Path

import justmytype_intl_cjk
from filelock import FileLock

log = logging.getLogger(__name__)

FAMILY = "Noto Sans SC"
WEIGHTS = {"regular": 400, "bold": 700}


def _variable_font() -> Path:
    folder = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"
    found = sorted(folder.glob("NotoSansSC*.ttf"))
    if not found:
        raise FileNotFoundError(f"Noto Sans SC is missing from {folder}")
    return found[0]


def cache_dir() -> Path:
    base = os.environ.get("GRIDLINE_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gridline" / "fonts"


@cache
def cjk_font_path(weight: str = "regular") -> Path:
    """A static TTF of Noto Sans SC at the given weight ("regular" or "bold")."""
    target = cache_dir() / f"NotoSansSC-{weight}.ttf"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):  # parallel processes cut it once
        if not target.exists():
            from fontTools.ttLib import TTFont
            from fontTools.varLib import instancer

            font = instancer.instantiateVariableFont(
                TTFont(_variable_font()), {"wght": WEIGHTS[weight]}, updateFontNames=True
            )
            partial = target.with_suffix(".part")
            font.save(partial)
            partial.replace(target)
    return target


def prepare_in_background() -> threading.Thread | None:
    """Cut the missing weights in a daemon thread, so the first /stats chart or deputy card after a
    fresh install does not wait for it (about 30 s of CPU per weight). Safe to interrupt: a cut is
    written to a .part file and renamed. None when every weight is there already."""
    if all((cache_dir() / f"NotoSansSC-{weight}.ttf").exists() for weight in WEIGHTS):
        return None

    def cut_all() -> None:
        log.info("fonts: cutting Noto Sans SC for charts and cards, once (about a minute) into %s", cache_dir())
        try:
            for weight in WEIGHTS:
                cjk_font_path(weight)
        except Exception:  # the chart or card that needs it will cut again and report the error there
            log.exception("fonts: cutting Noto Sans SC failed")

    thread = threading.Thread(target=cut_all, name="cut-fonts", daemon=True)
    thread.start()
    return thread
