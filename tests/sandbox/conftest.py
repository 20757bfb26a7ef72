"""Fixtures of tests/sandbox: the warmed parent that the ``harden()`` tests fork from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.hardened import Runner, warmed_parent


@pytest.fixture(scope="module")
def run() -> Iterator[Runner]:
    """One warmed parent per module, so a module's scenarios all fork from the same state."""
    with warmed_parent() as runner:
        yield runner
