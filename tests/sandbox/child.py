"""Run a test scenario in a forked child, so whatever it does to itself stays there.

:func:`fork_outcome` reports how the child ended (its result, a timeout, a signal), for
scenarios that are expected to be killed; :func:`in_child` is the common case, where
anything but a clean return fails the test.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import Any, NoReturn

__all__ = ["fork_outcome", "in_child", "returned"]


def in_child(body: Callable[[], Any]) -> Any:
    """Run ``body`` in a forked child and return what it returned (a raise fails the test)."""
    return returned(fork_outcome(body))


def returned(outcome: dict[str, Any]) -> Any:
    """The value a child returned, failing the test unless it returned and exited cleanly."""
    assert outcome["how"] == "returned", outcome
    assert outcome["exitcode"] == 0, outcome
    return outcome["value"]


def fork_outcome(body: Callable[[], Any], timeout: float | None = None) -> dict[str, Any]:
    """Run ``body`` in a forked child and report how it ended, without judging it.

    Args:
        body: What the child runs; its return value must pickle.
        timeout: Seconds to wait for the child's answer before SIGKILLing it (``None``: wait
            for ever), so that a scenario that hangs ends as a result instead of a stuck test.

    Returns:
        ``how`` ("returned", "raised", or ``None`` when the child sent nothing), ``value`` (the
        return value or the exception's text), ``timed_out``, and the child's ``signal`` or
        ``exitcode`` (whichever applies; the other is ``None``).
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        _answer(body, read_end, write_end)
    os.close(write_end)
    data, timed_out = _drain(read_end, pid, timeout)
    _, status = os.waitpid(pid, 0)
    how, value = pickle.loads(data) if data else (None, None)
    return {
        "how": how,
        "value": value,
        "timed_out": timed_out,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "exitcode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    }


def _answer(body: Callable[[], Any], read_end: int, write_end: int) -> NoReturn:
    """The child's side: run ``body``, send its outcome, exit without returning to pytest.

    The exit is in a ``finally`` so that a failure to send (a result that does not pickle)
    can never let the forked copy of the test process carry on running the suite.
    """
    status = 1
    try:
        os.close(read_end)
        try:
            outcome: tuple[str, Any] = ("returned", body())
        except BaseException as exc:
            outcome = ("raised", f"{type(exc).__name__}: {exc}")
        data = memoryview(pickle.dumps(outcome))
        while data:
            data = data[os.write(write_end, data) :]
        status = 0
    finally:
        os._exit(status)


def _drain(read_end: int, pid: int, timeout: float | None) -> tuple[bytes, bool]:
    """Everything the child sends until it closes the pipe, and whether it had to be killed."""
    chunks: list[bytes] = []
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([read_end], [], [], wait)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                return b"".join(chunks), True
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                return b"".join(chunks), False
            chunks.append(chunk)
    finally:
        os.close(read_end)
