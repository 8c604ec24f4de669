"""The 研判 menu's callback data fits Telegram's 64 bytes with the longest realistic ids, and parses
back to what was packed."""

from __future__ import annotations

from datetime import date

import pytest
from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH

from bot.i18n import Translator
from handlers import keyboards
from handlers.callbacks import TriageCb, TriageStep

ISSUE_ID = 10**7  # eight digits
DEPARTMENT_ID = 10**7
LAST_DAY = date(2099, 12, 31)  # a date packs to eight digits whatever it is
MOST_DAYS = 60  # the most working days a flow accepts (MAX_DEADLINE_DAYS)
# Telegram user ids are about 10^10 today; the Bot API promises at most 52 significant bits.
USER_IDS = (10**10, 2**52 - 1)


def _every_triage_button(user_id: int) -> list[str]:
    t = Translator().bind("zh-CN")
    choices = [(MOST_DAYS, "days"), (LAST_DAY, "date")]
    markups = [
        keyboards.triage_menu(t, ISSUE_ID),
        keyboards.deadline_choices(t, ISSUE_ID, choices, TriageStep.HANDLE_DEADLINE, dates=TriageStep.HANDLE_DATES),
        keyboards.deadline_choices(
            t, ISSUE_ID, choices, TriageStep.ASSIGN_DEADLINE, DEPARTMENT_ID, TriageStep.ASSIGN_DATES
        ),
        keyboards.person_choices(t, ISSUE_ID, MOST_DAYS, [(user_id, "someone")]),
        keyboards.person_choices(t, ISSUE_ID, LAST_DAY, [(user_id, "someone")]),
        keyboards.department_choices(t, ISSUE_ID, [(DEPARTMENT_ID, "a department")]),
    ]
    buttons = [button.callback_data for markup in markups for row in markup.inline_keyboard for button in row]
    return [data for data in buttons if data.startswith(f"{TriageCb.__prefix__}:")]  # not 重复件 (its own prefix)


@pytest.mark.parametrize("user_id", USER_IDS)
def test_the_longest_triage_data_fits_in_64_bytes(user_id: int) -> None:
    packed = _every_triage_button(user_id)
    assert {TriageCb.unpack(data).step for data in packed} == set(TriageStep)  # every step is measured
    longest = max(packed, key=lambda data: len(data.encode()))
    assert longest == f"tg2:hp:{ISSUE_ID}:::20991231:{user_id}"  # 立即办理 with a date and a person
    assert len(longest.encode()) <= MAX_CALLBACK_LENGTH  # 38 bytes for 10^10, 43 for 2^52 - 1


def test_triage_data_parses_back_to_what_was_packed() -> None:
    for data in _every_triage_button(2**52 - 1):
        assert TriageCb.unpack(data).pack() == data
    chosen = TriageCb.unpack(f"tg2:hp:{ISSUE_ID}:::20991231:{2**52 - 1}")
    assert chosen.step == TriageStep.PERSON and chosen.day == LAST_DAY
    assert chosen.days is None and chosen.responsible_id == 2**52 - 1


@pytest.mark.parametrize(
    "data",
    [
        "tg2:hp:5::3::",  # no responsible person
        "tg2:hp:5::3:20261130:7",  # two deadlines
        "tg2:hd:5::3::",  # a deadline where none belongs
        "tg2:asdd:5::3::",  # no department
        "tg2:hp:5:::20261399:7",  # no such date
        "tg2:hp:5::x::7",
        "tg2:zz:5::::",  # no such step
        "tg2:hd:5",  # too few fields
    ],
)
def test_data_that_does_not_fit_its_step_does_not_parse(data: str) -> None:
    with pytest.raises((TypeError, ValueError)):  # what aiogram's filter treats as "not this button"
        TriageCb.unpack(data)
