"""Fixtures shared by tests/api and tests/sandbox, and the session-wide trace-format check.

Every trace any test makes is validated against the format's one definition
(``gradtrace.tracing.schema.Trace``): each ``build_result``/``failure_result`` in this
process, and each ``POST /api/v1/trace`` answer (HTTP 200) an httpx client here receives,
which is how traces made in server processes and sandbox workers come back. A trace the
schema does not describe fails the test that made it, naming the field.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from gradtrace.tracing import result as result_module
from gradtrace.tracing.schema import Trace
from gradtrace.tracing.wire import dumps
from tests.api.live_server import LiveServer, client, plain_benign_grad, shared_server
from tests.shared_data import shared_status

SCHEMA_CHECKS = {"traces": 0, "seconds": 0.0}
_BUILDERS = ("build_result", "failure_result")


def check_trace(trace: dict[str, Any] | bytes) -> None:
    """Fail (AssertionError) unless ``trace`` (a tracer's dict, or JSON) is a valid trace."""
    start = time.perf_counter()
    collecting = gc.isenabled()
    gc.disable()  # the models built are garbage at once; collections halved the time (measured)
    try:
        Trace.model_validate_json(trace if isinstance(trace, bytes) else dumps(trace))
    except ValidationError as exc:
        raise AssertionError(f"the trace does not match gradtrace.tracing.schema: {exc}") from None
    finally:
        if collecting:
            gc.enable()
        SCHEMA_CHECKS["traces"] += 1
        SCHEMA_CHECKS["seconds"] += time.perf_counter() - start


def _checked(build: Callable[..., dict[str, Any]], pid: int) -> Callable[..., dict[str, Any]]:
    """``build``, checking what it returns in this process (not in a forked sandbox worker)."""

    @functools.wraps(build)
    def checked(*args: Any, **kwargs: Any) -> dict[str, Any]:
        trace = build(*args, **kwargs)
        if os.getpid() == pid:
            check_trace(trace)
        return trace

    return checked


def _is_trace(response: httpx.Response) -> bool:
    request = response.request
    return (request.method == "POST" and request.url.path == "/api/v1/trace"
            and response.status_code == 200)


@pytest.fixture(scope="session", autouse=True)
def traces_match_the_schema() -> Iterator[None]:
    """Wrap the trace builders wherever they were imported, and httpx's ``send``."""
    swapped: list[tuple[object, str, object]] = []
    for name in _BUILDERS:
        original = getattr(result_module, name)
        checked = _checked(original, os.getpid())
        for module in list(sys.modules.values()):
            if getattr(module, name, None) is original:
                swapped.append((module, name, original))
                setattr(module, name, checked)
    sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = sync_send(self, request, **kwargs)
        if _is_trace(response) and not kwargs.get("stream"):
            check_trace(response.content)
        return response

    async def asend(self: httpx.AsyncClient, request: httpx.Request,
                    **kwargs: Any) -> httpx.Response:
        response = await async_send(self, request, **kwargs)
        if _is_trace(response) and not kwargs.get("stream"):
            check_trace(response.content)
        return response

    swapped += [(httpx.Client, "send", sync_send), (httpx.AsyncClient, "send", async_send)]
    httpx.Client.send, httpx.AsyncClient.send = send, asend  # type: ignore[method-assign]
    try:
        yield
    finally:
        for owner, name, original in swapped:
            setattr(owner, name, original)


def pytest_report_header() -> str:
    """Say whether ../shared's attack corpus is part of this run (a clone alone has none)."""
    return shared_status()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many traces the schema check validated, and what it cost."""
    if SCHEMA_CHECKS["traces"]:
        terminalreporter.write_line(
            f"trace schema: {SCHEMA_CHECKS['traces']} traces validated in "
            f"{SCHEMA_CHECKS['seconds']:.2f} s")


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
