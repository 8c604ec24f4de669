"""What a simulated citizen does, step by step (shared by the fake-server process and the report).

A step is (kind, argument, expected text):
  say     -- type `argument`; the step is done when the bot shows a message containing `expected`
  contact -- share one's own contact with phone number `argument`
  press   -- press the button whose label contains `argument` on the last screen the bot showed
             (None: the first button)

This is the same walk as `report()` in tests/test_core_loop.py (contact share, no photos), with the
duplicate suggestions (bot/followthrough) passed by.
"""

from __future__ import annotations

Step = tuple[str, str | None, str]

REPORT_TEXT = "小区门口的垃圾三天没人清运了"
PHONE = "13812345678"

# The first report of the matter: nothing alike is open yet. The bench files it before the run.
SEED_STEPS: list[Step] = [
    ("say", "/start", "民情直通车"),
    ("press", "反映问题", "乡镇"),
    ("press", "葛城街道", "村（社区）"),
    ("press", "南大街社区", "类别"),
    ("press", "环境卫生", "描述问题"),
    ("say", REPORT_TEXT, "文字已记录"),
    ("press", "下一步", "联系电话"),
    ("contact", PHONE, "请核对"),
    ("press", "确认提交", "提交成功"),
]

# Every measured citizen is then offered the seed's issue (已有人反映过类似问题？) and goes on with
# a report of their own: the same walk for all, whatever order they come in.
GRIDLINE_STEPS: list[Step] = [
    *SEED_STEPS[:6],
    ("press", "下一步", "已有人反映过类似问题"),
    ("press", "继续提交", "联系电话"),
    *SEED_STEPS[7:],
]

ECHO_REPLY = "echo"  # the echo bot answers every update with a text containing this


def echo_steps() -> list[Step]:
    """The same number and mix of updates as the Gridline walk (texts for messages, presses for presses)."""
    steps: list[Step] = []
    for index, (kind, _arg, _expect) in enumerate(GRIDLINE_STEPS, start=1):
        if kind == "press":
            steps.append(("press", None, ECHO_REPLY))
        else:  # a contact is a message too; the echo bot answers text, so send text instead
            steps.append(("say", f"message {index}", ECHO_REPLY))
    return steps


def updates_per_citizen() -> tuple[int, int]:
    """(messages, button presses) a citizen sends in the Gridline walk."""
    presses = sum(1 for kind, _, _ in GRIDLINE_STEPS if kind == "press")
    return len(GRIDLINE_STEPS) - presses, presses
