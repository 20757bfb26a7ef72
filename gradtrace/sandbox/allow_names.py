"""How the allow-list modules write their name tables: whitespace-separated words."""

from __future__ import annotations

__all__ = ["names"]


def names(text: str) -> frozenset[str]:
    """The words of ``text`` as a set: tables read as prose and diff one name per change."""
    return frozenset(text.split())
