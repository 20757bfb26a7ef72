"""The wall-clock limit inside a worker: a timeout raised only at a safe point, the program's.

``SIGALRM`` interrupts whatever Python code runs when it comes. Raised inside the tracer,
the timeout could stop one of its writes halfway (the tensor table's summarising of pending
tensors, say, after it took them and before it wrote their entries) and leave the trace's
parts out of step: a reply with a node whose value points past its own tensor table (issue
22). So the alarm raises :class:`ProgramTimeout` only when the innermost code running is the
program's own, or torch's called by it. Anywhere else (the tracer's bookkeeping, the worker
around the program) it comes back :data:`RETRY` seconds later; once disarmed it does nothing.
The parent's kill, a grace period after the limit, stays the backstop for code that never
returns to Python and for a trace that takes too long to write.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

from gradtrace import tracing as tracing_package
from gradtrace.tracing import ProgramTimeout
from gradtrace.tracing.sources import PROGRAM_FILENAME

__all__ = ["RETRY", "TRACER_DIR", "ProgramAlarm", "in_program"]

# where the tracer's modules are: a timeout is never raised inside them
TRACER_DIR = os.path.dirname(tracing_package.__file__) + os.sep
# seconds until an alarm that found no program code running comes back
RETRY = 0.002


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


class ProgramAlarm:
    """Raises ProgramTimeout in the program ``seconds`` of wall-clock time after :meth:`arm`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def arm(self) -> ProgramAlarm:
        """Install the handler and start the clock."""
        self.armed = True
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
        if in_program(frame):
            raise ProgramTimeout(self.seconds)
        signal.setitimer(signal.ITIMER_REAL, RETRY)
