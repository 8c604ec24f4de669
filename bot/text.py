"""Untrusted text into HTML-formatted messages: escaped at the one place it enters the markup."""

from __future__ import annotations

from html import escape


def html(text: str | None) -> str:
    return escape(text or "", quote=False)
