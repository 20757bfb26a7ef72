"""Gradtrace: see PyTorch autograd, on a program in the browser or on your own code.

``with gradtrace.trace() as t:`` records your code; ``gradtrace.show(loss)`` draws a
tensor's graph after the fact; ``gradtrace.load(path)`` reads a saved trace. They are
imported on first use, so ``gradtrace serve`` and the sandbox never load the library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gradtrace.version import __version__

__all__ = ["Trace", "__version__", "load", "show", "trace"]

if TYPE_CHECKING:
    from gradtrace.library import Trace, load, show, trace


def __getattr__(name: str) -> Any:
    if name in {"Trace", "load", "show", "trace"}:
        import gradtrace.library

        return getattr(gradtrace.library, name)
    raise AttributeError(f"module 'gradtrace' has no attribute {name!r}")
