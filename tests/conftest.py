"""Fixtures shared by tests/api and tests/sandbox: one real server for the session, a client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.live_server import LiveServer, client, plain_benign_grad, shared_server
from tests.shared_data import shared_status


def pytest_report_header() -> str:
    """Say whether ../shared's attack corpus is part of this run (a clone alone has none)."""
    return shared_status()


@pytest.fixture(scope="session")
def live() -> Iterator[LiveServer]:
    """`gradtrace serve --workers 2` with small limits; its process group dies at the end."""
    server = shared_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with client(live.url) as c:
        yield c


@pytest.fixture(scope="session")
def benign_grad() -> list[float]:
    """x.grad of the benign program, computed by plain PyTorch (the oracle)."""
    return plain_benign_grad()
