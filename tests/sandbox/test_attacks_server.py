"""Attacks against a real server: files, network, code loading, escapes, leaks between runs.

Every entry of ``../shared/attacks/public.json`` and every attack below is POSTed to a live
``gradtrace serve``. Paths and addresses are rewritten so that an escape would be *seen*:
reads point at a canary file holding a random token (which must never appear in a response),
writes at a fresh path (which must not exist afterwards), and connections at a loopback
listener opened by the test (which must never accept one). After each attack the server must
answer /healthz within a second and a benign program must get PyTorch's gradient.
"""

from __future__ import annotations

import re
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import torch

from gradtrace.api.schemas import TraceResponse
from tests.api.live_server import (
    LiveServer,
    error_kind,
    still_healthy,
)
from tests.shared_data import public_attacks

TRACE = "/api/v1/trace"
FAILED = ["forbidden", "runtime", "memory", "timeout", "crash", "output_limit", "syntax"]
STOPPED = ["forbidden", "runtime"]  # refused by the policy or the facade, before any damage


@dataclass
class Traps:
    """The canary, the write target and the listener an escape would touch."""

    token: str
    canary: Path
    target: Path
    port: int
    connections: list[Any] = field(default_factory=list)

    def rewrite(self, code: str) -> str:
        code = re.sub(r"/etc/[\w.]+", str(self.canary), code)
        code = re.sub(r"/tmp/[\w.]+", str(self.target), code)
        code = code.replace("CANARY", str(self.canary)).replace("WRITE", str(self.target))
        code = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{self.port}", code)
        code = code.replace("'127.0.0.1', 80", f"'127.0.0.1', {self.port}")
        code = code.replace("http://127.0.0.1/", f"http://127.0.0.1:{self.port}/")
        return code.replace("PORT", str(self.port))


@pytest.fixture(scope="module")
def traps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Traps]:
    token = secrets.token_hex(16)
    base = tmp_path_factory.mktemp("traps")
    canary = base / f"canary-{token[:6]}.txt"
    canary.write_text(f"{token}\n{token}\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    traps = Traps(token, canary, base / "written" / "x.pt", listener.getsockname()[1])
    traps.target.parent.mkdir()
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            traps.connections.append(conn.getpeername())
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield traps
    stop.set()
    thread.join(5)
    listener.close()


def _public() -> list[dict[str, Any]]:
    return public_attacks()


# Our own attacks: (id, code, acceptable error kinds). "escape:" ids are one regression test
# per published escape (NOTES.md); CANARY / WRITE / PORT are rewritten by Traps.
OWN: list[tuple[str, str, list[str]]] = [
    # Attribute traversal inside format strings: no Attribute node, no underscore in the tree.
    ("escape:format-attr", "import torch\nprint('{0.os.environ}'.format(torch))", STOPPED),
    ("escape:str.format", "import torch\nprint(str.format('{0.os}', torch))", STOPPED),
    ("escape:format_map", "import torch\nprint('{x.os}'.format_map({'x': torch}))", STOPPED),
    ("format-variable", "f = '{0.__class__.__mro__}'\nprint(f.format(1))", STOPPED),
    ("format-nested-spec", "print('{:{0.__class__}}'.format(1))", STOPPED),
    ("format-bound-method", "m = '{0.__globals__}'.format\nprint(m(print))", STOPPED),
    # match/case reads attributes by keyword, without an Attribute node.
    ("escape:match-os", "import torch\nmatch torch:\n    case object(os=o):\n        print(o)",
     STOPPED),
    ("match-dunder", "match 1:\n    case int(__class__=c):\n        print(c)", STOPPED),
    ("match-gi_frame", "def g():\n    yield 1\nmatch g():\n    case object(gi_frame=f):\n"
     "        print(f)", STOPPED),
    ("match-format", "match '{0.__class__.__mro__}':\n    case str(format=f):\n"
     "        print(f(1))", STOPPED),
    # Decorators call without a Call node; defaults run at definition time.
    ("escape:decorator", "@print\n@vars\nclass A:\n    pass", STOPPED),
    ("decorator-load", "import torch\n@torch.load\ndef f():\n    pass", STOPPED),
    ("escape:default-arg", "def f(x=().__class__.__base__):\n    return x\nprint(f())", STOPPED),
    ("escape:except-star", "try:\n    1 / 0\nexcept* ZeroDivisionError:\n    pass", STOPPED),
    # NFKC: fullwidth identifiers are the ASCII ones after parsing.
    ("escape:nfkc-open", "print(\uff4f\uff50\uff45\uff4e('CANARY').read())", STOPPED),
    ("nfkc-dunder", "print(__\uff42uiltins__)", STOPPED),
    ("nfkc-getattr", "print(\uff47etattr(1, '__class__'))", STOPPED),
    ("nfkc-attr", "import torch\nprint(torch.\uff4f\uff53.environ)", STOPPED),
    # Frames through generators and tracebacks.
    ("escape:gi_frame", "def g():\n    yield 1\nprint(g().gi_frame.f_back)", STOPPED),
    ("escape:tb_frame", "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n"
     "    print(e.__traceback__.tb_frame.f_globals)", STOPPED),
    ("gi_code", "def g():\n    yield 1\nprint(g().gi_code)", STOPPED),
    ("generator-throw", "def g():\n    yield 1\nx = g()\nnext(x)\nx.throw(ValueError)",
     STOPPED),
    # PyTorch hands out the operating system.
    ("escape:torch.os", "import torch\nprint(torch.os.system('id'))", STOPPED),
    ("escape:torch.hub.os", "import torch\nprint(torch.hub.os.listdir('/'))", STOPPED),
    ("escape:serialization.pickle", "import torch\nprint(torch.serialization.pickle.loads)",
     STOPPED),
    ("escape:F.np", "import torch.nn.functional as F\nprint(F.np.load('CANARY'))", STOPPED),
    ("torch.sys", "import torch\nprint(torch.sys.modules)", STOPPED),
    ("torch.builtins", "import torch\nprint(torch.builtins.open('CANARY').read())", STOPPED),
    ("from-torch-import-os", "from torch import os\nprint(os.listdir('/'))", STOPPED),
    ("from-F-import-np", "from torch.nn.functional import np\nprint(np)", STOPPED),
    ("escape:attributeerror-obj", "import torch\ntry:\n    torch.nope\n"
     "except AttributeError as e:\n    print(e.obj)", STOPPED),
    # Files through tensors and arrays.
    ("escape:from_file", "import torch\nprint(torch.from_file('CANARY', size=8, "
     "dtype=torch.uint8))", STOPPED),
    ("escape:from_file-shared-write", "import torch\n"
     "t = torch.from_file('WRITE', shared=True, size=8)\nt.fill_(1)", STOPPED),
    ("escape:storage.from_file", "import torch\nt = torch.zeros(1)\n"
     "print(t.untyped_storage().from_file('CANARY', False, 8))", STOPPED),
    ("UntypedStorage.from_file", "import torch\n"
     "print(torch.UntypedStorage.from_file('CANARY', False, 8))", STOPPED),
    ("escape:np-tofile", "import numpy as np\nnp.ones(2).tofile('WRITE')", STOPPED),
    ("escape:np-dump", "import numpy as np\nnp.ones(2).dump('WRITE')", STOPPED),
    ("np-fromfile", "import numpy as np\nprint(np.fromfile('CANARY', dtype=np.uint8))", STOPPED),
    ("np-loadtxt", "import numpy as np\nprint(np.loadtxt('CANARY', dtype=str))", STOPPED),
    ("np-memmap", "import numpy as np\nprint(np.memmap('CANARY', dtype=np.uint8))", STOPPED),
    ("np-ctypeslib", "import numpy as np\nprint(np.ctypeslib.load_library('libc', '/lib'))",
     STOPPED),
    ("numpy-ctypes", "import torch\nprint(torch.zeros(4).numpy().ctypes.data)", STOPPED),
    ("np-lib", "import numpy as np\nprint(np.lib.stride_tricks.as_strided)", STOPPED),
    # Code loading: TorchScript source strings, compilers, extensions.
    ("escape:CompilationUnit", "import torch\ncu = torch.jit.CompilationUnit('def f(x):\\n"
     "    return torch.from_file(\"CANARY\", size=8)\\n')\nprint(cu.f(1))", STOPPED),
    ("escape:torch.compile", "import torch\nf = torch.compile(lambda x: x.sin())\n"
     "print(f(torch.ones(1)))", STOPPED),
    ("torch.classes", "import torch\nprint(torch.classes.load_library('CANARY'))", STOPPED),
    ("cpp_extension", "import torch\nprint(torch.utils.cpp_extension.load_inline)", STOPPED),
    ("torch.ops", "import torch\nprint(torch.ops.aten.set_)", STOPPED),
    ("torch.library", "import torch\nprint(torch.library.Library('x', 'DEF'))", STOPPED),
    # Raw memory.
    ("escape:set_", "import torch\nt = torch.zeros(2)\n"
     "t.set_(torch.zeros(1).untyped_storage(), 0, (10**6,), (1,))\nprint(t.sum())", STOPPED),
    ("as_strided", "import torch\nprint(torch.zeros(1).as_strided((10**6,), (1,)).sum())",
     STOPPED),
    ("data_ptr", "import torch\nprint(torch.zeros(1).data_ptr())", STOPPED),
    ("escape:resize_", "import torch\nt = torch.zeros(2)\nt.resize_(10**6)\nprint(t.sum())",
     STOPPED),
    ("escape:new_empty", "import torch\nprint(torch.zeros(2).new_empty(10**5).sum())", STOPPED),
    ("empty_strided", "import torch\nprint(torch.empty_strided((100,), (1,)))", STOPPED),
    ("np-strides", "import numpy as np\na = np.ones(2)\na.strides = (10**9,)\nprint(a)",
     STOPPED),
    ("escape:reduce_ex", "import torch\nprint(torch.ones(2).__reduce_ex__(2))", STOPPED),
    # Private ops segfault.
    ("escape:sobol-scramble", "import torch\nprint(torch._sobol_engine_scramble_("
     "torch.zeros(2, 2), torch.zeros(2, 2), 2))", STOPPED),
    ("escape:int8pack", "import torch\nprint(torch._weight_int8pack_mm(torch.ones(2, 2), "
     "torch.ones(2, 2, dtype=torch.int8), torch.ones(2)))", STOPPED),
    # Network and processes.
    ("hub-load", "import torch\ntorch.hub.load('127.0.0.1:PORT/x', 'm')", STOPPED),
    ("distributed", "import torch\ntorch.distributed.init_process_group('gloo', "
     "init_method='tcp://127.0.0.1:PORT', rank=0, world_size=2)", STOPPED),
    ("np-DataSource", "import numpy as np\nprint(np.DataSource().open('http://127.0.0.1:PORT/'))",
     STOPPED),
    ("dataloader-workers", "import torch\nprint(list(torch.utils.data.DataLoader([1, 2], "
     "num_workers=2)))", STOPPED),
    ("torch.multiprocessing", "import torch\ntorch.multiprocessing.Process(target=print).start()",
     STOPPED),
    ("escape:num-threads-bomb", "import torch\ntorch.set_num_threads(64)\n"
     "print(torch.randn(500, 500) @ torch.randn(500, 500))", STOPPED),
    # Interpreter internals.
    ("builtins-subscript", "print(__builtins__['eval']('1'))", STOPPED),
    ("super-self", "print(super.__self__)", STOPPED),
    ("global-builtins", "def f():\n    global __builtins__\n    __builtins__ = {}\nf()", STOPPED),
    ("type-3-args", "print(type('X', (), {}))", STOPPED),
    ("metaclass-keyword", "class A(metaclass=type):\n    pass", STOPPED),
    ("bare-except", "try:\n    while True:\n        pass\nexcept:\n    pass", STOPPED),
    # type(int) is the real `type`: three-argument class creation, __del__, the legacy
    # uninitialising torch.Tensor(n) constructor.
    ("type-of-type", "T = type(int)\nX = T('X', (object,), {'__del__': print})\nprint(X())",
     STOPPED),
]

# Programs that dodge a limit by swallowing the sandbox's own exceptions must still be stopped.
SWALLOW_TIMEOUT = (
    "T = type(int)\n"
    "W = T('W', (object,), {'__enter__': lambda self: self,\n"
    "                       '__exit__': lambda self, a, b, c: True})\n"
    "with W():\n"
    "    while True:\n"
    "        pass\n"
    "print('the time limit was swallowed')\n"
)


def _attack(http: httpx.Client, traps: Traps, code: str) -> dict[str, Any]:
    """POST one attack and check that nothing escaped; return the response body."""
    response = http.post(TRACE, json={"code": traps.rewrite(code)})
    assert response.status_code == 200, response.text[:500]
    assert traps.token not in response.text, "the canary was read"
    assert not traps.target.exists(), "the write target was created"
    assert list(traps.target.parent.iterdir()) == [], "something was written"
    assert traps.connections == [], f"the listener was reached: {traps.connections}"
    body: dict[str, Any] = response.json()
    TraceResponse.model_validate(body)
    return body


@pytest.mark.parametrize(
    "entry", _public(), ids=lambda e: f"{e['category']}:{e['code'][:40]!r}"
)
def test_public_attack(
    live: LiveServer, http: httpx.Client, traps: Traps, benign_grad: list[float],
    entry: dict[str, Any],
) -> None:
    body = _attack(http, traps, entry["code"])
    assert error_kind(body) in entry["expect"], body["error"]
    still_healthy(live.url, http, benign_grad)


@pytest.mark.parametrize(("name", "code", "expect"), OWN, ids=[o[0] for o in OWN])
def test_own_attack(
    live: LiveServer, http: httpx.Client, traps: Traps, benign_grad: list[float],
    name: str, code: str, expect: list[str],
) -> None:
    body = _attack(http, traps, code)
    assert error_kind(body) in expect, (name, body["error"], body["stdout"][:300])
    still_healthy(live.url, http, benign_grad)


def test_type_of_type_never_reaches_the_legacy_tensor_constructor(
    live: LiveServer, http: httpx.Client, traps: Traps, benign_grad: list[float],
) -> None:
    """``type(int)(t)`` is the Tensor stand-in: sizes give zeros, never uninitialised memory."""
    code = ("import torch\nT = type(int)\nbig = torch.full((1000,), 7.0)\n"
            "print(T(torch.ones(1))(1000).abs().sum().item())")
    body = _attack(http, traps, code)
    assert error_kind(body) in [*STOPPED, "ok"], body["error"]
    if body["ok"]:
        assert body["stdout"] == "0.0\n"
    still_healthy(live.url, http, benign_grad)


def test_swallowing_the_time_limit_still_times_out(
    live: LiveServer, http: httpx.Client, traps: Traps, benign_grad: list[float]
) -> None:
    """An ``__exit__`` returning True must not turn a timeout into a success."""
    body = _attack(http, traps, SWALLOW_TIMEOUT)
    assert error_kind(body) in ("forbidden", "runtime", "timeout"), body["stdout"]
    assert "swallowed" not in body["stdout"]
    still_healthy(live.url, http, benign_grad)


MARKER = 7.25
FILL = (
    "import torch\nimport numpy as np\n"
    f"big = torch.full((1000000,), {MARKER})\n"
    f"arr = np.full(1000000, {MARKER})\n"
    "other = big * 1.0\n"
    "print(float(big.sum()))\n"
)
EMPTIES = (
    "import torch\nimport numpy as np\n"
    "print(float(torch.empty(1000000).abs().sum()))\n"
    "print(float(torch.empty_like(torch.ones(1000000)).abs().sum()))\n"
    "print(float(torch.Tensor(1000000).abs().sum()))\n"
    "print(float(torch.Tensor(torch.Size([1000, 1000])).abs().sum()))\n"
    "print(float(np.abs(np.empty(1000000)).sum()))\n"
    "print(float(np.abs(np.empty_like(np.ones(1000000))).sum()))\n"
    "print(float(np.abs(np.ndarray((1000000,))).sum()))\n"
)


def test_uninitialised_memory_never_shows_an_earlier_program(http: httpx.Client) -> None:
    """After a program filled big tensors with a marker, every "empty" allocation is zeros."""
    for _ in range(3):
        filled = http.post(TRACE, json={"code": FILL}).json()
        assert filled["ok"] and filled["stdout"] == f"{MARKER * 1000000}\n"
        body = http.post(TRACE, json={"code": EMPTIES}).json()
        assert body["ok"], body["error"]
        assert body["stdout"].split() == ["0.0"] * 7


def test_real_tensor_constructor_never_shows_the_marker(http: httpx.Client) -> None:
    """Even where uninitialised memory is reachable, it never holds another program's data."""
    http.post(TRACE, json={"code": FILL})
    probe = ("import torch\nT = type(int)\nR = T(torch.ones(1))\nt = R(1000000)\n"
             f"print(int((t == {MARKER}).sum()))\n")
    body = http.post(TRACE, json={"code": probe}).json()
    if body["ok"]:
        assert body["stdout"] == "0\n"
    else:
        assert body["error"]["kind"] in STOPPED


# Global state a program can change; the next program must start from the defaults.
STATE_CHANGERS = [
    "import torch\ntorch.set_grad_enabled(False)\nprint(torch.is_grad_enabled())\n",
    "import torch\ntorch.manual_seed(1234)\nprint(torch.rand(1))\n",
    "import torch\ntorch.autograd.set_detect_anomaly(True)\n",
    "import numpy as np\nnp.random.seed(99)\nprint(np.random.rand(1))\n",
    "import torch\ntorch.set_default_dtype(torch.float64)\n",
    "import torch\ntorch.set_num_threads(2)\n",
    "import torch\nimport torch.nn as nn\nnn.Linear.forward = lambda self, x: x * 0\n",
]
STATE_READER = (
    "import torch\nimport torch.nn as nn\n"
    "x = torch.ones(2, requires_grad=True)\n"
    "y = (x * 3).sum()\n"
    "print(torch.is_grad_enabled(), y.requires_grad, torch.get_default_dtype())\n"
    "print(torch.rand(3).tolist())\n"
    "print(torch.randn(2).tolist())\n"
    "print(nn.Linear(2, 2)(torch.ones(1, 2)).abs().sum().item() > 0)\n"
)


def _plain_state_reader() -> str:
    """What STATE_READER prints under plain PyTorch with the documented seed 0."""
    torch.manual_seed(0)
    x = torch.ones(2, requires_grad=True)
    y = (x * 3).sum()
    lines = [
        f"{torch.is_grad_enabled()} {y.requires_grad} {torch.get_default_dtype()}",
        str(torch.rand(3).tolist()),
        str(torch.randn(2).tolist()),
        str(torch.nn.Linear(2, 2)(torch.ones(1, 2)).abs().sum().item() > 0),
    ]
    return "\n".join(lines) + "\n"


def test_global_state_never_leaks_into_the_next_request(http: httpx.Client) -> None:
    expected = _plain_state_reader()
    numpy_before = http.post(TRACE, json={"code": "import numpy as np\nprint(np.random.rand(2))"})
    for changer in STATE_CHANGERS:
        for _ in range(2):  # two workers: make sure both ran the changer
            http.post(TRACE, json={"code": changer})
        body = http.post(TRACE, json={"code": STATE_READER}).json()
        assert body["ok"], (changer, body["error"])
        assert body["stdout"] == expected, changer
    numpy_after = http.post(TRACE, json={"code": "import numpy as np\nprint(np.random.rand(2))"})
    assert numpy_after.json()["stdout"] == numpy_before.json()["stdout"]
    assert np.isfinite(float(numpy_after.json()["stdout"].strip("[]\n").split()[0]))
