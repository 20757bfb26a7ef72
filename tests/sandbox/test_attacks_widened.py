"""Attacks through what the widened policy allows (issue 16): each is refused or harmless.

A functorch transform, a checkpoint, a saved-tensor hook, a distribution, a dataclass, a
partial, a namedtuple, an OrderedDict, a DataLoader, deepcopy and typing, used to reach
builtins, ``getattr``/``eval``, files, ``os``, ``sys.modules``, frames or uninitialised
memory. They run in a child process through the policy and the facade (and, for the ones
the facade alone must stop, without the policy), then against a live server with a canary
file whose token must never come back.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.live_server import LiveServer, error_kind, still_healthy
from tests.sandbox.test_attacks_gaps import GAP_ATTACKS, GAP_FACADE_ALONE
from tests.sandbox.test_attacks_server import STOPPED, Traps, _attack, traps
from tests.sandbox.test_attacks_static import run_isolated

__all__ = ["traps"]  # the fixture, used by the server tests below

IMPORTS = (
    "import torch\nimport torch.nn as nn\nfrom torch.func import grad, vmap, functional_call\n"
    "from torch.utils.checkpoint import checkpoint\n"
    "from torch.autograd.graph import saved_tensors_hooks\n"
    "from torch.distributions import Normal\nimport dataclasses\nimport functools\n"
    "import collections\nimport copy\nimport typing\n"
    "from torch.utils.data import DataLoader, TensorDataset\n"
)

# (id, program after IMPORTS): every one must be refused or fail at run time.
ATTACKS: list[tuple[str, str]] = [
    ("func-wrapped", "print(grad(torch.sin).__wrapped__)"),
    ("func-globals", "print(vmap(torch.sin).__globals__)"),
    ("func-storage", "print(vmap(lambda t: t.untyped_storage())(torch.ones(2)))"),
    ("functional_call-dunder",
     "m = nn.Linear(1, 1)\nprint(functional_call(m, {'__class__': torch.ones(1)}, "
     "(torch.ones(1),)))"),
    ("functional_call-hooks",
     "m = nn.Linear(1, 1)\nprint(functional_call(m, {'forward_hooks': torch.ones(1), "
     "'forward': torch.ones(1)}, (torch.ones(1),)))"),
    ("checkpoint-open", "print(checkpoint(open, 'CANARY', use_reentrant=False))"),
    ("checkpoint-load", "print(checkpoint(torch.load, 'CANARY', use_reentrant=False))"),
    ("saved-hook-getattr",
     "x = torch.ones(1, requires_grad=True)\n"
     "with saved_tensors_hooks(lambda t: getattr(t, 'untyped_storage'), print):\n"
     "    (x * x).sum().backward()"),
    ("saved-hook-fields", "h = saved_tensors_hooks(print, print)\nprint(h.pack_hook)"),
    ("saved-hook-enter", "saved_tensors_hooks(print, print).__enter__()"),
    ("gradient-edge-forged",
     "from torch.autograd.graph import GradientEdge\nx = torch.ones(2, requires_grad=True)\n"
     "y = x * 2\nprint(torch.autograd.grad(y.sum(), GradientEdge(y.grad_fn, 10 ** 5)))"),
    ("gradient-edge-type",
     "from torch.autograd.graph import get_gradient_edge\nx = torch.ones(2, requires_grad=True)\n"
     "y = x * 2\nE = type(get_gradient_edge(y))\n"
     "print(torch.autograd.grad(y.sum(), E(y.grad_fn, 1)))"),
    ("dual-level-enter", "import torch.autograd.forward_ad as f\nf.enter_dual_level()"),
    ("distribution-global", "Normal(0.0, 1.0).set_default_validate_args(False)"),
    ("distribution-register-kl", "from torch.distributions import register_kl"),
    ("distribution-globals", "print(Normal.__init__.__globals__)"),
    ("dataclass-module", "@dataclasses.dataclass\nclass A:\n    x: int = 1\n"
     "print(A.__dataclass_fields__)"),
    ("dataclass-init-globals", "@dataclasses.dataclass\nclass A:\n    x: int = 1\n"
     "print(A.__init__.__globals__['__builtins__'])"),
    ("make-dataclass", "print(dataclasses.make_dataclass('A', [('x', int)]))"),
    ("partial-getattr", "print(functools.partial(getattr, torch, 'os')())"),
    ("partial-type-3-args",
     "X = functools.partial(type, 'X', (object,), {'__del__': print})()\nprint(X())"),
    ("reduce-type-3-args", "print(functools.reduce(type, [(object,), {}], 'X'))"),
    ("partial-func-globals", "print(functools.partial(print).func.__globals__)"),
    ("wraps-dunder", "from functools import wraps\nwraps(print)(nn.Linear)"),
    ("namedtuple-dunder-field", "print(collections.namedtuple('P', '__class__ x'))"),
    ("namedtuple-code-typename", "print(collections.namedtuple('os.system', 'x'))"),
    ("namedtuple-replace-packed",
     "from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence\n"
     "p = pack_sequence([torch.ones(3, 2), torch.ones(2, 2)])\n"
     "print(pad_packed_sequence(p._replace(batch_sizes=torch.tensor([6, 3, 0, 2]))))"),
    ("namedtuple-make-packed",
     "from torch.nn.utils.rnn import PackedSequence\n"
     "p = PackedSequence._make([torch.ones(11, 2), torch.tensor([6, 3, 0, 2]), None, None])\n"
     "print(nn.GRU(2, 2)(p))"),
    ("ordereddict-dict", "print(collections.OrderedDict.__dict__)"),
    ("userdict", "print(collections.UserDict)"),
    ("deepcopy-memo", "memo = {}\ncopy.deepcopy(nn.Linear(1, 1), memo)\nprint(memo)"),
    ("type-hints-eval", "print(typing.get_type_hints)"),
    ("forward-ref", "print(typing.ForwardRef('open'))"),
    ("typing-type", "print(typing.Type[int]('X', (), {}))"),
    ("typing-origin", "print(typing.List[int].__origin__)"),
    ("typing-register", "typing.Iterable[int].register(torch.Tensor)"),
    ("dataloader-workers", "print(list(DataLoader([1, 2], num_workers=2)))"),
    ("dataloader-workers-later",
     "class L(DataLoader):\n    def __init__(self, data):\n        super().__init__(data)\n"
     "        self.num_workers = 2\nprint(list(L([1, 2])))"),
    ("dataloader-context", "d = DataLoader([1])\nprint(d.multiprocessing_context)"),
    ("dataloader-collate-open", "print(list(DataLoader(['CANARY'], collate_fn=open)))"),
    ("worker-info", "from torch.utils.data import get_worker_info"),
    ("packed-growing-sizes",
     "from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence\n"
     "for sizes in ([1, 5, 6], [3, 0, 2], [6, 5, 1], [6, 3, 0, 2]):\n"
     "    print(pad_packed_sequence(PackedSequence(torch.ones(11, 2), torch.tensor(sizes))))"),
    ("packed-sizes-changed",
     "from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence\n"
     "p = pack_sequence([torch.ones(3, 2), torch.ones(2, 2)])\n"
     "data, sizes, a, b = p\nsizes.copy_(torch.tensor([1, 2, 2]))\n"
     "print(pad_packed_sequence(p))"),
    ("packed-subclass-lies",
     "from torch.nn.utils.rnn import PackedSequence, pack_sequence, pad_packed_sequence\n"
     "class P(PackedSequence):\n    def __iter__(self):\n"
     "        return iter([torch.ones(4, 2), torch.tensor([2, 2]), None, None])\n"
     "p = P(torch.ones(4, 2), torch.tensor([1, 5]))\nprint(pad_packed_sequence(p))"),
    ("unpack-sequence", "from torch.nn.utils.rnn import unpack_sequence"),
    ("ctc-loss-targets",
     "print(nn.functional.ctc_loss(torch.randn(5, 2, 4).log_softmax(2),"
     " torch.tensor([[100000, 2], [1, 1]]), torch.tensor([5, 5]), torch.tensor([2, 2])))"),
    ("tensor-real-class", "print(torch.Tensor.real(10 ** 6).sum())"),
    ("legacy-real-class", "print(torch.FloatTensor.real(10 ** 6).sum())"),
    ("class-base", "print(torch.ones(1).__class__.__base__)"),
    ("class-bound", "c = torch.ones(1).__class__\nprint(c)"),
    ("random-instance", "import random\nprint(random.seed.__self__)"),
    ("random-system", "from random import SystemRandom"),
    ("time-sleep", "import time\ntime.sleep(100)"),
    ("string-unlocks-nothing", "n = 'untyped_storage from_file'\n"
     "print(torch.ones(1).untyped_storage().from_file('CANARY', False, 8))"),
    ("set-default-dtype", "torch.set_default_dtype(torch.float64)"),
    *GAP_ATTACKS,
]

# The layer that stops these is the facade (a stand-in or a missing name), not the policy.
FACADE_ALONE = {"dataloader-workers", "dataloader-workers-later", "deepcopy-memo",
                "packed-growing-sizes", "packed-sizes-changed", "packed-subclass-lies",
                "gradient-edge-forged", "gradient-edge-type",
                "tensor-real-class", "legacy-real-class", "partial-type-3-args",
                "reduce-type-3-args", "typing-type", "make-dataclass", "worker-info",
                *GAP_FACADE_ALONE}


@pytest.mark.parametrize(("name", "code"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_widened_attack_is_stopped(name: str, code: str, tmp_path: Any) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("TOKEN-4f1e9c\n")
    source = IMPORTS + code.replace("CANARY", str(canary))
    outcome, detail = run_isolated(source)
    assert outcome in {"forbidden", "runtime"}, (outcome, detail)
    assert "TOKEN-4f1e9c" not in detail
    if name in FACADE_ALONE:
        outcome, detail = run_isolated(source, mode="facade")
        assert outcome == "runtime", (outcome, detail)
        assert "TOKEN-4f1e9c" not in detail


def test_uninitialised_memory_is_never_reachable_through_the_stand_ins() -> None:
    source = (
        "import torch\nbig = torch.full((100000,), 7.0)\ndel big\n"
        "g = torch.zeros(1, dtype=torch.float64)\n"
        "print(float(torch.FloatTensor(100000).abs().sum()),"
        " float(type(g.data)(100000).abs().sum()),"
        " float(torch.LongTensor(10, 10).abs().sum()))\n"
    )
    assert run_isolated(source) == ("ok", "0.0 0.0 0.0\n")


SPARSE_OUT_OF_BOUNDS = (
    "import torch\nbig = torch.zeros(10)\nd = big[:3]\n"
    "s = torch.ones(3).to_sparse().coalesce()\ns.indices().add_(4)\nd.add_(s)\n"
    "e = torch.nn.Embedding(5, 2, sparse=True)\n"
    "e(torch.tensor([0, 1, 1])).sum().backward()\ng = e.weight.grad.abs()\n"
    "g.indices().fill_(10 ** 6)\ne.weight.data.add_(g)\n"
    "print(big.tolist(), s.indices().tolist(), g.indices().tolist())\n"
)


@pytest.mark.parametrize("mode", ["policy", "facade"])
def test_sparse_indices_cannot_point_outside_the_tensor(mode: str) -> None:
    """``.indices`` is allowed (named tuples); on a sparse tensor it returns a copy.

    In plain PyTorch the first write lands in ``big[4:7]``, past the view ``d``; with a
    large offset it is a write anywhere in the process's memory.
    """
    outcome, detail = run_isolated(SPARSE_OUT_OF_BOUNDS, mode=mode)
    assert (outcome, detail) == (
        "ok", f"{[1.0, 1.0, 1.0] + [0.0] * 7} [[0, 1, 2]] [[0, 1]]\n"), detail
    small = SPARSE_OUT_OF_BOUNDS.split("e = ")[0] + "print(big.tolist())\n"
    plain = run_isolated(small, mode="plain")  # (the large write crashes a plain process)
    assert plain[1].startswith("[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0"), plain


def test_sparse_indices_are_copies_on_the_server(http: httpx.Client) -> None:
    body = http.post("/api/v1/trace", json={"code": SPARSE_OUT_OF_BOUNDS}).json()
    assert body["ok"], body["error"]
    assert body["stdout"] == f"{[1.0, 1.0, 1.0] + [0.0] * 7} [[0, 1, 2]] [[0, 1]]\n"


def test_a_packed_sequence_that_corrupts_plain_pytorch_is_refused() -> None:
    source = (
        "import torch\nfrom torch.nn.utils.rnn import PackedSequence, pad_packed_sequence\n"
        "for _ in range(3):\n"
        "    print(pad_packed_sequence(PackedSequence(torch.ones(11, 2),"
        " torch.tensor([6, 3, 0, 2]))))\n"
    )
    # plain PyTorch: free(): invalid next size (not asserted: varies)
    outcome, detail = run_isolated(source)
    assert outcome == "runtime" and detail.startswith("ValueError: pad_packed_sequence()")


def test_a_forged_gradient_edge_that_crashes_plain_pytorch_is_refused() -> None:
    source = (
        "import torch\nfrom torch.autograd.graph import GradientEdge\n"
        "x = torch.ones(2, requires_grad=True)\ny = x * 2\n"
        "print(torch.autograd.grad(y.sum(), GradientEdge(y.grad_fn, 1)))\n"
    )
    # plain PyTorch: segmentation fault (not asserted: varies)
    assert run_isolated(source)[0] == "forbidden"
    assert run_isolated(source, mode="facade")[0] == "runtime"


CHECKPOINT_SWAP = (
    "import torch\nimport torch.nn.functional as F\n"
    "from torch.utils.checkpoint import checkpoint\n"
    "calls = [0]\nbad = torch.full((1, 1, 2, 2), 10 ** 7)\n"
    "def f(x):\n    calls[0] += 1\n    if calls[0] == 1:\n        return F.max_pool2d(x, 2)\n"
    "    return x.sin()[..., :2, :2] * bad\n"
    "x = torch.randn(1, 1, 4, 4, requires_grad=True)\n"
    "y = checkpoint(f, x, use_reentrant=False, determinism_check=MODE)\n"
    "y.sum().backward()\nprint(x.grad.sum())\n"
)
HOOK_SWAP = (
    "import torch\nimport torch.nn.functional as F\n"
    "from torch.autograd.graph import saved_tensors_hooks\n"
    "x = torch.randn(1, 1, 4, 4, requires_grad=True)\n"
    "def unpack(t):\n    return torch.full_like(t, 10 ** 7) if t.dtype == torch.int64 else t\n"
    "with saved_tensors_hooks(lambda t: t, unpack):\n    y = F.max_pool2d(x, 2)\n"
    "y.sum().backward()\nprint(x.grad.sum())\n"
)


@pytest.mark.parametrize("source", [
    CHECKPOINT_SWAP.replace("MODE", "'default'"), CHECKPOINT_SWAP.replace("MODE", "'none'"),
    HOOK_SWAP,
], ids=["checkpoint-default", "checkpoint-none", "saved-tensors-hooks"])
def test_a_swapped_saved_tensor_that_crashes_plain_pytorch_is_refused(source: str) -> None:
    """Max-pool indices replaced by a program's tensor: plain PyTorch writes out of bounds."""
    # plain PyTorch: segmentation fault (not asserted: varies)
    for mode in ("policy", "facade"):
        outcome, detail = run_isolated(source, mode=mode)
        assert outcome == "runtime", (mode, detail)
        assert "SavedLayout" in detail, detail


def test_the_attack_preamble_itself_runs() -> None:
    """Otherwise every attack above would "fail" for the wrong reason."""
    assert run_isolated(IMPORTS + "print('ready')") == ("ok", "ready\n")


SERVER_ATTACKS = [a for a in ATTACKS if "CANARY" in a[1] or a[0].startswith(
    ("dataloader", "partial", "deepcopy", "tensor-real", "dataclass", "packed"))]


@pytest.mark.parametrize(("name", "code"), SERVER_ATTACKS, ids=[a[0] for a in SERVER_ATTACKS])
def test_widened_attack_against_the_server(
    live: LiveServer, http: httpx.Client, traps: Traps, benign_grad: list[float],
    name: str, code: str,
) -> None:
    body = _attack(http, traps, IMPORTS + code)
    assert error_kind(body) in STOPPED, (name, body["error"])
    still_healthy(live.url, http, benign_grad)


# Programs that leave the widened API's process state behind (a generator suspended inside
# a saved-tensor-hooks or dual-level block, seeds of the random module).
LEFT_OPEN = [
    "import torch\nfrom torch.autograd.graph import saved_tensors_hooks\n"
    "def g():\n    with saved_tensors_hooks(lambda t: t * 0, lambda t: t * 0):\n        yield 1\n"
    "held = g()\nnext(held)\n",
    "import torch\nimport torch.autograd.forward_ad as fwAD\n"
    "def g():\n    with fwAD.dual_level():\n        yield 1\nheld = g()\nnext(held)\n",
    "import random\nrandom.seed(99)\nprint(random.random())\n",
    *(f"import torch\ndef g():\n    with {ctx}:\n        yield 1\nheld = g()\nnext(held)\n"
      for ctx in ("torch.autocast('cpu', dtype=torch.bfloat16)",
                  "torch.autograd.profiler.profile()",
                  "torch.autograd.graph.allow_mutation_on_saved_tensors()",
                  "torch.autograd.set_detect_anomaly(True)")),
]
READER = (
    "import torch\nimport random\nx = torch.ones(2, requires_grad=True)\n"
    "(x * x).sum().backward()\nprint(x.grad.tolist(), round(random.random(), 12))\n"
    "print(torch.mm(x.view(1, 2), x.view(2, 1)).dtype, torch.is_anomaly_enabled())\n"
)


def test_left_open_state_never_reaches_the_next_request(http: httpx.Client) -> None:
    expected = http.post("/api/v1/trace", json={"code": READER}).json()["stdout"]
    assert expected.startswith("[2.0, 2.0]")
    for changer in LEFT_OPEN:
        for _ in range(2):  # two workers: make sure both ran the changer
            body = http.post("/api/v1/trace", json={"code": changer}).json()
            assert body["error"] is None or body["error"]["kind"] != "forbidden", body["error"]
        assert http.post("/api/v1/trace", json={"code": READER}).json()["stdout"] == expected


def _forbidden_values() -> list[object]:
    """Objects no allowed attribute may lead to: eval-likes, raw classes, interpreter state."""
    import builtins
    import sys

    import numpy as np
    import torch

    from gradtrace.sandbox.allow_py import BUILTIN_NAMES
    from gradtrace.sandbox.facade_shims import LEGACY_TENSOR_TYPES

    unsafe = [v for n in dir(builtins)
              if n not in BUILTIN_NAMES and callable(v := getattr(builtins, n))]
    raw = [torch.Tensor, np.ndarray, torch.UntypedStorage, torch.TypedStorage,
           *(getattr(torch, n) for n in LEGACY_TENSOR_TYPES)]
    return [*unsafe, *raw, builtins.setattr, builtins.delattr, sys.modules, builtins.__dict__,
            type]


@pytest.mark.filterwarnings("ignore")
def test_no_allowed_attribute_of_a_widened_object_reaches_outside() -> None:
    """Every allowed name read on every object of the widened API (and its facades)."""
    import types

    from gradtrace.sandbox.allowlist import ATTRIBUTE_NAMES, _sample_objects
    from gradtrace.sandbox.facade import facades

    objects: list[object] = [*_sample_objects(), *facades().values()]
    objects += [getattr(f, n) for f in facades().values() for n in dir(f)]
    bad_types = (types.ModuleType, types.FrameType, types.CodeType, types.TracebackType)
    forbidden = {id(v) for v in _forbidden_values()}
    for obj in objects:
        for name in ATTRIBUTE_NAMES:
            try:
                value = getattr(obj, name)
            except Exception:
                continue
            where = f"{type(obj).__name__}.{name}"
            assert not isinstance(value, bad_types), where
            assert id(value) not in forbidden, where
            assert not (isinstance(value, dict) and "__builtins__" in value), where

