"""The programs the benchmark runs, as source text (the same text goes to every contender).

The chain-rule program is the gallery's own example; the others live in ``bench/programs/``
with a size constant on its own line that is rewritten here, so one file covers 24 and 96
layers and a chain of any length.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["chain", "chain_rule", "encoder", "lstm_unrolled", "without_backward"]

_HERE = Path(__file__).resolve().parent / "programs"
_GALLERY = Path(__file__).resolve().parents[1] / "gradtrace" / "examples" / "programs"


def _sized(file: str, constant: str, value: int) -> str:
    source = (_HERE / file).read_text()
    pattern = re.compile(rf"^{constant} = \d+$", re.MULTILINE)
    if not pattern.search(source):
        raise ValueError(f"{file} has no '{constant} = N' line")
    return pattern.sub(f"{constant} = {value}", source, count=1)


def chain_rule() -> str:
    """The gallery's chain-rule example, verbatim (what a first-time user runs)."""
    return (_GALLERY / "01_chain_rule.py").read_text()


def encoder(layers: int) -> str:
    """The width-64 TransformerEncoder with ``layers`` layers (24: 1,827 nodes; 96: 7,299)."""
    return _sized("encoder.py", "LAYERS", layers)


def lstm_unrolled(steps: int = 50) -> str:
    """The LSTMCell unrolled over ``steps`` steps (50: 755 nodes)."""
    return _sized("lstm_unrolled.py", "STEPS", steps)


def chain(ops: int) -> str:
    """A chain of ``ops`` multiplications (``ops + 1`` nodes)."""
    return _sized("chain.py", "OPS", ops)


def without_backward(source: str) -> str:
    """The program with its final ``<name>.backward()`` line removed: saved tensors stay alive.

    torchviz's ``show_saved`` reads every saved tensor and raises once backward has freed
    them, so graph-extraction contenders get the forward-only graph. A walk of a freed
    graph would also measure one RuntimeError per node (reading a freed saved tensor).
    """
    stripped, found = re.subn(r"\n\w+\.backward\(\)\n\Z", "\n", source)
    if not found:
        raise ValueError("program has no final '<name>.backward()' line")
    return stripped
