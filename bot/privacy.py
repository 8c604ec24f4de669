"""Personal-data helpers shared by every place that shows a citizen's details."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    """138****5678: enough for a worker to recognise a number, not enough to dial it."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 2:
        return f"{digits[0]}{'*' * (len(digits) - 2)}{digits[-1]}"
    return "*" * len(digits)


# The citizen id of issues whose citizen had their personal data erased (/privacy).
ERASED_CITIZEN = 0
