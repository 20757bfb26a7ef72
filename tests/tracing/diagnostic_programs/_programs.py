"""The diagnostics' example programs by name: files here, and the gallery's own examples of
its "Why a gradient is None, NaN, tiny or huge" topic (read from there, written once)."""

from __future__ import annotations

from pathlib import Path

from gradtrace.examples import get_example

__all__ = ["NAMES", "program"]

HERE = Path(__file__).parent
GALLERY = {"grad_none": "grad-none", "unused_parameter": "unused-parameter",
           "non_finite_backward": "nan-in-backward", "vanishing_gradient": "vanishing-gradients",
           "exploding_gradient": "exploding-gradients"}
NAMES = sorted({p.stem for p in HERE.glob("[!_]*.py")} | set(GALLERY))


def program(name: str) -> str:
    """The program named ``name`` (``grad_none``, ``not_leaf``, ...)."""
    if name in GALLERY:
        example = get_example(GALLERY[name])
        assert example is not None, GALLERY[name]
        return example.code
    return (HERE / f"{name}.py").read_text(encoding="utf-8")
