"""Fixtures shared by the sandbox tests that attack a real server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.live_server import LiveServer, client, plain_benign_grad, shared_server


@pytest.fixture(scope="module")
def live() -> LiveServer:
    """The shared live server (started once for tests/api and tests/sandbox)."""
    return shared_server()


@pytest.fixture(scope="module")
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with client(live.url) as c:
        yield c


@pytest.fixture(scope="module")
def benign_grad() -> list[float]:
    """x.grad of the benign chain-rule program, computed by plain PyTorch."""
    return plain_benign_grad()
