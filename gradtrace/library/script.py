"""``gradtrace run script.py args...``: run a script exactly as ``python`` would, traced.

As ``python script.py args...`` does: the script is ``__main__`` (a real module in
``sys.modules``, so dataclasses and pickle work), its folder is first on ``sys.path``,
``sys.argv`` is the script and its own arguments. An exception ends the run as it would
end Python's, and the trace keeps everything recorded until then; so does Ctrl-C.
"""

from __future__ import annotations

import io
import os
import sys
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from gradtrace.library.result import Trace
from gradtrace.library.session import StepChoice, trace

__all__ = ["ScriptRun", "run_script"]


@dataclass
class ScriptRun:
    """What running a script gave: its trace, and the exception that ended it, if any."""

    trace: Trace
    exception: BaseException | None

    @property
    def exit_code(self) -> int:
        """The exit status ``python script.py`` would have had."""
        exc = self.exception
        if exc is None:
            return 0
        if isinstance(exc, SystemExit):
            code = exc.code
            return code if isinstance(code, int) else (0 if code is None else 1)
        return 130 if isinstance(exc, KeyboardInterrupt) else 1


def run_script(path: str, args: Sequence[str] = (), *, steps: StepChoice = None,
               **limits: int) -> ScriptRun:
    """Run the script at ``path`` with ``args`` under :func:`gradtrace.trace`.

    ``limits`` are ``trace``'s ``max_values``, ``max_nodes`` and ``max_events``.
    """
    path = os.path.abspath(path)
    with io.open_code(path) as handle:
        code = compile(handle.read(), path, "exec")
    recording = trace(steps=steps, **limits)
    with _as_main(path, args) as module:
        recording.start(module.__dict__, path)
        exception: BaseException | None = None
        try:
            exec(code, module.__dict__)
        except BaseException as exc:  # the script's own end; kept, and re-told by the caller
            exception = exc
        result = recording.finish(None if _clean_exit(exception) else exception)
    return ScriptRun(result, exception)


def _clean_exit(exc: BaseException | None) -> bool:
    return exc is None or (isinstance(exc, SystemExit) and exc.code in (None, 0))


@contextmanager
def _as_main(path: str, args: Sequence[str]) -> Iterator[types.ModuleType]:
    """A fresh ``__main__`` module for the script; argv, path and ``__main__`` restored after."""
    module = types.ModuleType("__main__")
    module.__dict__.update(__file__=path, __builtins__=__builtins__, __cached__=None)
    saved = sys.argv, sys.path[:], sys.modules.get("__main__")
    sys.argv = [path, *args]
    sys.path.insert(0, os.path.dirname(path))
    sys.modules["__main__"] = module
    try:
        yield module
    finally:
        sys.argv, sys.path[:] = saved[0], saved[1]
        if saved[2] is not None:
            sys.modules["__main__"] = saved[2]
