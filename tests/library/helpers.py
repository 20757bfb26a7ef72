"""Shared by the library tests: the two-file project, its plain run, and trace readers.

The project (``project/model.py`` and ``project/train.py``) is imported the way its own
script imports it (``from model import TwoLayer``), so its folder goes on ``sys.path`` for
the test and comes off again after, with the modules it loaded.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

PROJECT = Path(__file__).resolve().parent / "project"
MODEL_PY = PROJECT / "model.py"
TRAIN_PY = PROJECT / "train.py"
PARAMETERS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


@contextmanager
def project_on_path() -> Iterator[ModuleType]:
    """``import train`` (which imports ``model``) from the project folder; undone after."""
    saved_path = sys.path[:]
    saved_modules = {name: sys.modules.get(name) for name in ("model", "train")}
    sys.path.insert(0, str(PROJECT))
    for name in saved_modules:
        sys.modules.pop(name, None)
    try:
        import train

        yield train
    finally:
        sys.path[:] = saved_path
        for name, module in saved_modules.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def line_of(path: Path, text: str) -> int:
    """The 1-based line of ``path`` holding ``text`` (exactly one must)."""
    found = [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(found) == 1, f"{text!r} is on lines {found} of {path.name}"
    return found[0]


def tensor_of(trace: dict[str, Any], index: int | None) -> torch.Tensor:
    """A tensor of the trace's table as a torch tensor (it must carry its values)."""
    assert index is not None
    entry = trace["tensors"][index]
    assert "values" in entry, f"tensor {index} has no values (raise max_values)"
    return torch.tensor(entry["values"], dtype=torch.float32).reshape(entry["shape"])


def leaves_by_label(trace: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The trace's leaf nodes keyed by their label (``fc1.weight``)."""
    return {node["label"]: node for node in trace["graph"]["nodes"]
            if node["op"] == "AccumulateGrad" and node.get("label")}


def ops_reachable(trace: dict[str, Any], root: int) -> tuple[Counter[str], int]:
    """Op names and leaf count reachable from node ``root`` over the trace's edges, as
    ``tests.tracing.oracle.walk_grad_fn`` counts them on a real graph."""
    nodes, edges = trace["graph"]["nodes"], trace["graph"]["edges"]
    ops: Counter[str] = Counter()
    leaves = 0
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if nodes[node]["op"] == "AccumulateGrad":
            leaves += 1
        else:
            ops[nodes[node]["op"]] += 1
        stack.extend(edges[edge][0] for edge in nodes[node]["inputs"] if edge is not None)
    return ops, leaves


def file_index(trace: dict[str, Any], path: Path) -> int:
    """The index in the trace's ``files`` of ``path`` (its entry's path is cwd-relative)."""
    found = [i for i, entry in enumerate(trace["files"])
             if (Path.cwd() / entry["path"]).resolve() == path.resolve()]
    assert len(found) == 1, f"{path.name} in files {[f['path'] for f in trace['files']]}"
    return found[0]


def assert_grads_equal(got: dict[str, torch.Tensor], want: dict[str, torch.Tensor]) -> None:
    """Every parameter's gradient, compared value by value."""
    assert set(got) == set(want) == set(PARAMETERS)
    for name in PARAMETERS:
        assert got[name].shape == want[name].shape, name
        assert torch.allclose(got[name], want[name], atol=1e-6), name
