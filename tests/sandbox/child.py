"""Run a test scenario in a forked child, so whatever it does to itself stays there."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any

__all__ = ["in_child"]


def in_child(body: Callable[[], Any]) -> Any:
    """Run ``body`` in a forked child and return what it returned (a raise fails the test)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            outcome: Any = ("returned", body())
        except BaseException as exc:
            outcome = ("raised", repr(exc))
        os.write(write_end, pickle.dumps(outcome))
        os._exit(0)
    os.close(write_end)
    with open(read_end, "rb") as source:
        data = source.read()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    how, value = pickle.loads(data)
    assert how == "returned", value
    return value
