from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.issues.draft import IssueDraft, clean_text
from bot.issues.reference import format_ref, looks_like_ref, period_of
from bot.privacy import mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("+8613812345678", "+86****5678"), ("1234567", "1*****7"), ("", ""), (None, "")],
)
def test_mask_phone(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_reference_uses_the_local_month() -> None:
    # 2026-10-31 20:00 UTC is already November in Shanghai.
    moment = datetime(2026, 10, 31, 20, 0, tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert period_of(moment) == "2611"
    assert format_ref("2611", 42) == "GL-2611-0042"
    assert format_ref("2611", 12345) == "GL-2611-12345"
    assert looks_like_ref("gl-2611-0042")
    assert not looks_like_ref("GL-26-1")


def test_draft_validation() -> None:
    draft = IssueDraft(grid_id=1, category_id=2, description="  路灯坏了  ", photos=["a"] * 5)
    assert draft.description == "路灯坏了"
    with pytest.raises(ValidationError):
        IssueDraft(grid_id=1, category_id=2, description="   ")
    with pytest.raises(ValidationError):
        IssueDraft(grid_id=1, category_id=2, description="x", photos=["a"] * 6)
    with pytest.raises(ValidationError):
        IssueDraft(grid_id=1, category_id=2, description="x" * 2001)


def test_clean_text() -> None:
    assert clean_text("  hi ", limit=5) == "hi"
    assert clean_text("   ", limit=5) is None
    assert clean_text("toolong", limit=5) is None
    assert clean_text(None, limit=5) is None
