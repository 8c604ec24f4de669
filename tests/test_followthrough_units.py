"""The text likeness and distance behind the duplicate suggestions, and the follow-through buttons."""

from __future__ import annotations

import pytest

from bot.domain.similarity import bigrams, distance_m, similarity
from bot.followthrough.summary import one_line


def test_same_matter_in_other_words_scores_above_unrelated() -> None:
    base = "小区门口的垃圾三天没人清运了"
    alike = similarity(base, "门口垃圾堆了好几天没有清运")
    unrelated = similarity(base, "健身器材的螺丝松动了，孩子玩很危险")
    assert alike > 0.15 > unrelated == 0.0


def test_identical_and_punctuation() -> None:
    assert similarity("路灯坏了！", "路灯 坏了") == pytest.approx(1.0)
    assert similarity("", "路灯坏了") == 0.0


def test_latin_words_are_tokens() -> None:
    assert bigrams("Street light broken") == {"streetlight": 1, "lightbroken": 1}
    assert similarity("street light broken", "Street light is broken") > 0.3
    assert bigrams("路") == {"路": 1}


def test_not_equality_but_a_measure() -> None:
    a, b, c = "楼道堆满杂物", "楼道堆满杂物有消防隐患", "楼道有杂物"
    assert 0 < similarity(a, c) < similarity(a, b) < 1


def test_distance() -> None:
    # 0.001° of latitude is about 111 m.
    assert distance_m((30.0, 120.0), (30.001, 120.0)) == pytest.approx(111.2, abs=0.5)
    assert distance_m((30.0, 120.0), (30.0, 120.0)) == 0.0


def test_one_line_summary() -> None:
    assert one_line("第一行\n第二行  多空格") == "第一行 第二行 多空格"
    assert one_line("很" * 50, 10) == "很" * 9 + "…"


def test_followthrough_buttons_fit_in_64_bytes() -> None:
    from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH

    from bot.followthrough.notices import Answer
    from handlers.callbacks import DuplicateAction, DuplicateCb, FollowCb, LookbackCb

    big = 2**52 - 1
    longest = [
        FollowCb(issue_id=big).pack(),
        DuplicateCb(action=DuplicateAction.PICK, issue_id=big, original_id=big).pack(),
        LookbackCb(issue_id=big, ask=2, answer=Answer.NOT_SOLVED).pack(),
    ]
    assert all(len(data.encode()) <= MAX_CALLBACK_LENGTH for data in longest)
    assert LookbackCb.unpack(longest[2]).answer == Answer.NOT_SOLVED
