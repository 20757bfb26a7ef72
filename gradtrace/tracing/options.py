"""Options of one trace: the caps that keep a trace small enough to send and draw."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TraceOptions"]


@dataclass(frozen=True)
class TraceOptions:
    """Caps applied while a program runs.

    Attributes:
        max_nodes: autograd nodes a trace may hold; more stops the program (output_limit).
        max_events: forward and backward events a trace may hold.
        max_values: tensors with more elements are summarised instead of listed.
        max_stdout_bytes: bytes print() may write.
        seed: seed given to torch, numpy and random before the program runs.
    """

    max_nodes: int = 20000
    max_events: int = 100000
    max_values: int = 16
    max_stdout_bytes: int = 65536
    seed: int = 0
