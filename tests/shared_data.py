"""The data in ``../shared`` beside the checkout, used in addition when it is there.

A user's clone has nothing beside it, so the project's own tests (the regression lists in
``tests/sandbox``) always run, and the public attack corpus is added on top when the folder is
present. ``tests/conftest.py`` prints which case this run is, so a green run says what it covered.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["PUBLIC_ATTACKS", "public_attacks", "shared_status"]

PUBLIC_ATTACKS = Path(__file__).resolve().parents[2] / "shared" / "attacks" / "public.json"


def public_attacks() -> list[dict[str, Any]]:
    """The entries of ``../shared/attacks/public.json``, or none when the file is absent."""
    if not PUBLIC_ATTACKS.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(PUBLIC_ATTACKS.read_text())
    return entries


def shared_status() -> str:
    """One line for the test run's header: whether the shared corpus is part of this run."""
    entries = public_attacks()
    if entries:
        return f"shared attacks: {len(entries)} from {PUBLIC_ATTACKS} (in addition to our own)"
    return f"shared attacks: {PUBLIC_ATTACKS} not present; running the project's own lists only"
