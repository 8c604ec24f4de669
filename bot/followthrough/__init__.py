"""Follow-through around an issue: duplicate suggestions and followers, the 回访 look-back, and
reopening for 重办 with a fresh deadline."""
