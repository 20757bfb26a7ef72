"""The wall-clock limit inside a worker: a timeout raised only at a safe point, the program's.

``SIGALRM`` interrupts whatever Python code runs when it comes. Raised inside the tracer,
the timeout could stop one of its writes halfway (the tensor table's summarising of pending
tensors, say, after it took them and before it wrote their entries) and leave the trace's
parts out of step: a reply with a node whose value points past its own tensor table (issue
22). So the alarm raises :class:`ProgramTimeout` only when the innermost code running is the
program's own, or torch's called by it. Anywhere else (the tracer's bookkeeping, the worker
around the program) it comes back :data:`RETRY` seconds later; once disarmed it does nothing.
A timeout raised in a hook of the program's that the tracer called passes up through the
tracer's frames, which is safe: the tracer is not mid-write there.

Only :data:`HARD` seconds past the limit does it raise in the tracer's code too, and only
while the program is still on the stack (one long ``backward()``, where the only Python that
runs is the tracer's node hooks): the trace may then lose its tensor table
(gradtrace.tracing.consistency), but the program stops with a timeout and a partial trace
rather than being killed with none. Writing the trace after the program is never
interrupted. The parent's kill, a grace period after the limit, stays the backstop for code
that never returns to Python and for a trace that takes too long to write.
"""

from __future__ import annotations

import os
import signal
import time
from types import FrameType

from gradtrace import tracing as tracing_package
from gradtrace.tracing import ProgramTimeout
from gradtrace.tracing.sources import PROGRAM_FILENAME

__all__ = ["HARD", "RETRY", "TRACER_DIR", "ProgramAlarm", "in_program", "under_program"]

# where the tracer's modules are: a timeout is never raised inside them
TRACER_DIR = os.path.dirname(tracing_package.__file__) + os.sep
# seconds until an alarm that found no program code running comes back
RETRY = 0.002
# seconds past the limit after which the tracer's own code is interrupted too (see above)
HARD = 0.5


def in_program(frame: FrameType | None) -> bool:
    """Whether the innermost code running is the program's (or torch's, called by it).

    Walks out from ``frame`` to the first frame of the program or of the tracer; torch's and
    the facade's frames in between belong to whichever called them.
    """
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename == PROGRAM_FILENAME:
            return True
        if filename.startswith(TRACER_DIR):
            return False
        frame = frame.f_back
    return False


def under_program(frame: FrameType | None) -> bool:
    """Whether the program's code is anywhere on the stack (it is still running)."""
    while frame is not None:
        if frame.f_code.co_filename == PROGRAM_FILENAME:
            return True
        frame = frame.f_back
    return False


class ProgramAlarm:
    """Raises ProgramTimeout in the program ``seconds`` of wall-clock time after :meth:`arm`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.started = 0.0

    def arm(self) -> ProgramAlarm:
        """Install the handler and start the clock."""
        self.armed = True
        self.started = time.monotonic()
        signal.signal(signal.SIGALRM, self._on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def disarm(self) -> None:
        """Stop the clock; an alarm already on its way is ignored (it cannot re-arm)."""
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if not self.armed:
            return
        overdue = time.monotonic() - self.started >= self.seconds + HARD
        if in_program(frame) or (overdue and under_program(frame)):
            raise ProgramTimeout(self.seconds)
        signal.setitimer(signal.ITIMER_REAL, RETRY)
