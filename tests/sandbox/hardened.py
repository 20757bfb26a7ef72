"""A warmed-up parent that forks one hardened child per scenario, as the service does.

Hardening is only realistic in a child of a process that ran :func:`warm_up` and one full
trace first: whatever those import lazily must already be loaded when ``harden()`` takes the
right to open files away. So the tests talk to a freshly spawned interpreter that did exactly
that; for every scenario it forks a child, which hardens itself, runs the scenario and sends
back a plain-data result over a pipe opened before hardening. The parent reports that result
together with how the child ended (exit code or signal), see :func:`fork_outcome`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from gradtrace.sandbox.facade import build_globals
from gradtrace.sandbox.limits import ProcessLimits, warm_up
from gradtrace.tracing import trace_source
from gradtrace.tracing.wire import dumps
from tests.sandbox.child import fork_outcome

__all__ = ["GALLERY", "Runner", "Scenario", "trace_json", "warmed_parent"]

GALLERY = sorted((Path(__file__).parents[2] / "gradtrace" / "examples" / "programs").glob("*.py"))

Scenario = Callable[[ProcessLimits, Any], Any]
"""A module-level function (it is sent to the parent by name) that calls ``harden()`` itself."""
Runner = Callable[..., dict[str, Any]]
"""``run(scenario, limits=None, arg=None, timeout=30.0)``: the child's outcome."""


def trace_json(source: str) -> str:
    """The wire JSON of tracing ``source`` through the facade, as a worker would send it."""
    return dumps(trace_source(source, globals_dict=build_globals())).decode()


def _parent(conn: Connection) -> None:
    """Spawned pre-warmed parent: forks one hardened child per request.

    Like the service's worker parent: warm_up(), then one full trace through the facade so that
    the facade's and tracer's own lazy imports happen here, not after hardening.
    """
    warm_up()
    trace_json(GALLERY[0].read_text())
    while (request := conn.recv()) is not None:
        scenario, limits, arg, timeout = request
        conn.send(fork_outcome(partial(scenario, limits, arg), timeout))


@contextmanager
def warmed_parent() -> Iterator[Runner]:
    """Spawn the warmed parent for the block and stop it after; yields how to run a scenario."""
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    parent = ctx.Process(target=_parent, args=(theirs,), daemon=True)
    parent.start()

    def run(
        scenario: Scenario,
        limits: ProcessLimits | None = None,
        arg: Any = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        ours.send((scenario, limits or ProcessLimits(), arg, timeout))
        assert ours.poll(timeout + 60), "warmed parent did not answer"
        result: dict[str, Any] = ours.recv()
        return result

    try:
        yield run
    finally:
        ours.send(None)
        parent.join(10)
        if parent.is_alive():
            parent.kill()
            parent.join()
