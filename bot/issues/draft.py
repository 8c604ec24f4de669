"""The citizen's report as validated at the end of the conversation."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_DESCRIPTION = 2000
MIN_DESCRIPTION = 2
MAX_PHOTOS = 5
MAX_COMMENT = 500


class IssueDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    grid_id: int
    category_id: int
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    photos: list[str] = Field(default_factory=list, max_length=MAX_PHOTOS)
    voice: str | None = None
    location: tuple[float, float] | None = None
    phone: str | None = Field(default=None, max_length=32)
    anonymous: bool = False
    # Set when the review is first shown: confirming the same review twice makes one issue.
    submission: str | None = Field(default=None, max_length=40)

    @field_validator("description")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("empty description")
        return value


def clean_text(text: str | None, *, limit: int, minimum: int = 1) -> str | None:
    """User text as we keep it: stripped, within bounds; None when it does not qualify."""
    if text is None:
        return None
    text = text.strip()
    if len(text) < minimum or len(text) > limit:
        return None
    return text
