"""torch.func, forward-mode AD, checkpointing and friends trace exactly as plain PyTorch.

These run the program's functions on wrapper tensors, recompute forward passes during
backward, or hook into how autograd saves tensors: the tracer must step aside where it
cannot look and still give PyTorch's results (``gradtrace.tracing.transforms``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import torch

from gradtrace.tracing.wire import expand
from tests.tracing.fidelity import PRELUDE, assert_traces_as_plain
from tests.tracing.oracle import run_plain, walk_grad_fn
from tests.tracing.oracle_checks import assert_view

FUNC = {
    "func-grad": "from torch.func import grad\nx = torch.randn(3)\n"
    "g = grad(lambda t: (t ** 2).sin().sum())(x)\nprint(g)\n",
    "func-grad-of-grad": "from torch.func import grad\nx = torch.tensor(0.7)\n"
    "d2 = grad(grad(torch.sin))(x)\nprint(d2, -torch.sin(x))\n",
    "func-vmap": "from torch.func import vmap\nx = torch.randn(4, 3)\nw = torch.randn(3)\n"
    "dots = vmap(torch.dot, in_dims=(0, None))(x, w)\n",
    "func-jacrev-jacfwd-hessian": "from torch.func import jacrev, jacfwd, hessian\n"
    "def f(x):\n    return x.sin() * x.sum()\nx = torch.randn(3)\nj1 = jacrev(f)(x)\n"
    "j2 = jacfwd(f)(x)\nh = hessian(lambda t: (t ** 3).sum())(x)\n"
    "print(torch.allclose(j1, j2))\n",
    "func-vjp-jvp": "from torch.func import vjp, jvp\nx = torch.randn(3)\n"
    "out, vjp_fn = vjp(torch.sin, x)\n(ct,) = vjp_fn(torch.ones(3))\n"
    "out2, tangent = jvp(torch.cos, (x,), (torch.ones(3),))\n",
    "func-per-sample-grads": "from torch.func import functional_call, grad, vmap\n"
    "model = nn.Linear(3, 1)\nparams = {k: v.detach() for k, v in model.named_parameters()}\n"
    "def loss_fn(p, x, y):\n    out = functional_call(model, p, (x.unsqueeze(0),))\n"
    "    return F.mse_loss(out.squeeze(), y)\nx = torch.randn(5, 3)\ny = torch.randn(5)\n"
    "grads = vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, x, y)\n"
    "gw = grads['weight']\ngb = grads['bias']\nprint(gw.shape)\n",
    "func-grad-outer-graph": "from torch.func import grad\nx = torch.randn(3, requires_grad=True)\n"
    "g = grad(lambda t: (t ** 3).sum())(x)\nloss = g.sum()\nloss.backward()\nprint(x.grad)\n",
    "functional-call-plain": "from torch.func import functional_call\nmodel = nn.Linear(2, 2)\n"
    "w = torch.ones(2, 2, requires_grad=True)\nb = torch.zeros(2, requires_grad=True)\n"
    "out = functional_call(model, {'weight': w, 'bias': b}, (torch.randn(3, 2),))\n"
    "loss = out.sum()\nloss.backward()\n",
    "autograd-functional-vectorize": "from torch.autograd.functional import jacobian, hessian\n"
    "def f(x):\n    return x ** 2 + x.sum()\nx = torch.randn(3)\n"
    "j = jacobian(f, x, vectorize=True)\nh = hessian(lambda t: (t ** 3).sum(), x, vectorize=True)\n"
    "j0 = jacobian(f, x)\nprint(torch.allclose(j, j0))\n",
    "autograd-functional-forward-mode": "from torch.autograd.functional import hessian\n"
    "def energy(x):\n    return (x ** 4).sum() + x.prod()\nx = torch.tensor([0.5, -1.0])\n"
    "h = hessian(energy, x, vectorize=True)\n"
    "h_fwd = hessian(energy, x, vectorize=True, outer_jacobian_strategy='forward-mode')\n"
    "print(torch.allclose(h, h_fwd))\n",
    "grads-batched": "x = torch.randn(3, requires_grad=True)\n"
    "(rows,) = torch.autograd.grad(x ** 2, x, torch.eye(3), is_grads_batched=True)\n",
}

FORWARD_AD = {
    "dual-numbers": "import torch.autograd.forward_ad as fwAD\nx = torch.randn(3)\n"
    "t = torch.ones(3)\nwith fwAD.dual_level():\n    d = fwAD.make_dual(x, t)\n"
    "    y = d.sin() * 2\n    p, tangent = fwAD.unpack_dual(y)\nprint(tangent)\n",
    "dual-through-module": "import torch.autograd.forward_ad as fwAD\nlin = nn.Linear(3, 2)\n"
    "x = torch.randn(4, 3)\nwith fwAD.dual_level():\n"
    "    out = lin(fwAD.make_dual(x, torch.randn(4, 3)))\n    jvp = fwAD.unpack_dual(out).tangent\n"
    "loss = lin(x).sum()\nloss.backward()\n",
}

MEMORY = {
    "checkpoint-non-reentrant": "from torch.utils.checkpoint import checkpoint\n"
    "block = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 4))\n"
    "x = torch.randn(2, 4, requires_grad=True)\nh = checkpoint(block, x, use_reentrant=False)\n"
    "loss = h.pow(2).sum()\nloss.backward()\n",
    "checkpoint-reentrant": "from torch.utils.checkpoint import checkpoint\n"
    "def seg(t):\n    return torch.relu(t * 3).sin()\nx = torch.randn(5, requires_grad=True)\n"
    "y = checkpoint(seg, x, use_reentrant=True)\nloss = y.sum()\nloss.backward()\n",
    "saved-tensors-hooks": "def pack(t):\n    print('pack', tuple(t.shape))\n    return t\n"
    "def unpack(t):\n    print('unpack', tuple(t.shape))\n    return t\n"
    "x = torch.randn(3, requires_grad=True)\n"
    "with torch.autograd.graph.saved_tensors_hooks(pack, unpack):\n    y = x.pow(2) * x.exp()\n"
    "loss = y.sum()\nloss.backward()\n",
    "save-on-cpu": "x = torch.randn(4, requires_grad=True)\n"
    "with torch.autograd.graph.save_on_cpu():\n    y = (x * x).tanh()\nloss = y.sum()\n"
    "loss.backward()\n",
    "parametrize": "import torch.nn.utils.parametrize as P\nclass Symmetric(nn.Module):\n"
    "    def forward(self, X):\n        return X.triu() + X.triu(1).transpose(-1, -2)\n"
    "layer = nn.Linear(3, 3)\nP.register_parametrization(layer, 'weight', Symmetric())\n"
    "loss = layer(torch.randn(2, 3)).sum()\nloss.backward()\nw = layer.weight\n"
    "print(torch.allclose(w, w.T))\n",
    "weight-norm-orthogonal": "from torch.nn.utils.parametrizations import weight_norm, "
    "orthogonal\nlin = weight_norm(nn.Linear(3, 2))\nrot = orthogonal(nn.Linear(3, 3))\n"
    "loss = lin(rot(torch.randn(4, 3))).sum()\nloss.backward()\n",
    "normal-rsample": "mu = torch.zeros(3, requires_grad=True)\n"
    "sigma = torch.ones(3, requires_grad=True)\ndist = torch.distributions.Normal(mu, sigma)\n"
    "sample = dist.rsample()\nlp = dist.log_prob(sample).sum()\nloss = sample.pow(2).sum() - lp\n"
    "loss.backward()\n",
    "once-differentiable": "from torch.autograd.function import once_differentiable\n"
    "class Cube(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
    "        ctx.save_for_backward(x)\n        return x ** 3\n    @staticmethod\n"
    "    @once_differentiable\n    def backward(ctx, g):\n        (x,) = ctx.saved_tensors\n"
    "        return 3 * x ** 2 * g\nx = torch.randn(3, requires_grad=True)\n"
    "y = Cube.apply(x)\nloss = y.sum()\nloss.backward()\n",
}

# Errors raised inside transforms, and transforms mixed with the program's own graph and hooks.
MIXED = {
    "err-func-grad-nonscalar": """
from torch.func import grad
x = torch.randn(3)
g = grad(lambda t: t * 2)(x)
""",
    "err-vmap-item": """
from torch.func import vmap
x = torch.randn(3, 2)
out = vmap(lambda t: t.sum().item())(x)
""",
    "err-vmap-inplace": """
from torch.func import vmap
x = torch.randn(3)
y = torch.randn(2, 3)
def f(a, b):
    a.add_(b)
    return a
out = vmap(f, in_dims=(None, 0))(x, y)
""",
    "err-make-dual-shape": """
import torch.autograd.forward_ad as fwAD
with fwAD.dual_level():
    d = fwAD.make_dual(torch.ones(3), torch.ones(2))
""",
    "err-checkpoint-nograd": """
from torch.utils.checkpoint import checkpoint
x = torch.randn(3, requires_grad=True)
with torch.no_grad():
    y = checkpoint(torch.sin, x, use_reentrant=False)
print(y.requires_grad)
""",
    "err-jacobian-strict": """
from torch.autograd.functional import jacobian
y0 = torch.ones(2)
jacobian(lambda x: y0, torch.ones(2), strict=True)
""",
    "func-in-loop-opt": """
from torch.func import functional_call, grad
model = nn.Linear(2, 1)
params = {k: v.detach().clone() for k, v in model.named_parameters()}
x = torch.randn(8, 2)
y = x.sum(1, keepdim=True)
def loss_fn(p):
    return F.mse_loss(functional_call(model, p, (x,)), y)
for step in range(3):
    g = grad(loss_fn)(params)
    params = {k: v - 0.1 * g[k] for k, v in params.items()}
    print(step, round(loss_fn(params).item(), 5))
w = params['weight']
""",
    "hook-in-vmap-model": """
from torch.func import vmap, functional_call
model = nn.Linear(3, 2)
model.register_forward_hook(lambda m, i, o: print('hook', tuple(o.shape)))
params = dict(model.named_parameters())
out = vmap(lambda x: functional_call(model, params, (x,)))(torch.randn(4, 3))
loss = out.sum()
loss.backward()
""",
    "tensor-hook-grad-transform": """
from torch.func import grad
x = torch.randn(3, requires_grad=True)
y = x * 2
y.register_hook(lambda g: print('hook', g.shape))
g = grad(lambda t: (t * t).sum())(y)
loss = (g * y).sum()
loss.backward()
""",
    "jvp-fwad-requires-grad": """
import torch.autograd.forward_ad as fwAD
x = torch.randn(3, requires_grad=True)
with fwAD.dual_level():
    d = fwAD.make_dual(x, torch.ones(3))
    y = (d * d).sum()
    t = fwAD.unpack_dual(y).tangent
t.backward()
print(x.grad)
""",
}

PROGRAMS = {**FUNC, **FORWARD_AD, **MEMORY, **MIXED}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_traces_as_plain_pytorch(name: str) -> None:
    assert_traces_as_plain(PRELUDE + PROGRAMS[name])


def test_dual_tensors_carry_their_tangents() -> None:
    """Forward-mode AD: each dual variable's entry shows the tangent PyTorch gave it."""
    source = PRELUDE + FORWARD_AD["dual-numbers"]
    long = expand(assert_traces_as_plain(source))
    plain = run_plain(source).namespace
    variables = long["variables"]
    assert_view(variables["y"]["value"]["tangent"], plain["tangent"], "y.tangent")
    assert_view(variables["d"]["value"]["tangent"], plain["t"], "d.tangent")
    for name in ("x", "t", "p", "tangent"):  # plain tensors, never dual
        assert "tangent" not in variables[name]["value"], name


def test_checkpointed_segment_is_marked_recomputed() -> None:
    """Exactly the ops of the checkpointed block (what PyTorch's graph has under ``h``)."""
    source = PRELUDE + MEMORY["checkpoint-non-reentrant"]
    long = expand(assert_traces_as_plain(source))
    ops, _ = walk_grad_fn(run_plain(source).namespace["h"].grad_fn)
    marked = Counter(n["op"] for n in long["graph"]["nodes"] if n["recomputed"])
    assert marked == ops


def test_reentrant_checkpoint_recomputes_inside_backward() -> None:
    """A reentrant checkpoint runs its segment again inside backward call 0, then backward
    through it as a call of its own: the trace shows both, as PyTorch's ops."""
    source = PRELUDE + MEMORY["checkpoint-reentrant"]
    long = expand(assert_traces_as_plain(source))
    segment = run_plain(source).namespace["seg"](torch.randn(5, requires_grad=True))
    ops, leaves = walk_grad_fn(segment.grad_fn)
    made = [n for n in long["graph"]["nodes"] if n["created_in_call"] == 0]
    assert Counter(n["op"] for n in made if n["kind"] == "op") == ops
    assert sum(n["kind"] == "leaf" for n in made) == leaves
    assert not any(n["recomputed"] for n in long["graph"]["nodes"])
    inner = {e["node"] for e in long["events"] if e["phase"] == "backward" and e["call"] == 1}
    assert inner == {n["id"] for n in made}


SAVED_HOOKS = """
packed, unpacked = [], []
def pack(t):
    packed.append(t.detach().clone())
    return t.clone()
def unpack(t):
    unpacked.append(t.detach().clone())
    return t
x = torch.randn(3, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    y = x.pow(2) * x.exp()
loss = y.sum()
loss.backward()
"""


def test_saved_tensor_hooks_are_events() -> None:
    """Each run of the program's pack and unpack hooks is an event, with what it got, in
    the order and with the tensors of a plain run; torch's own (save_on_cpu, checkpoint)
    are not the program's and make none."""
    source = PRELUDE + SAVED_HOOKS
    events = expand(assert_traces_as_plain(source))["events"]
    plain: dict[str, Any] = {}
    torch.manual_seed(0)
    exec(compile(source, "<program>", "exec"), plain)
    line = source.splitlines().index(
        "with torch.autograd.graph.saved_tensors_hooks(pack, unpack):") + 1
    for kind, expected, call in (("pack", plain["packed"], None),
                                 ("unpack", plain["unpacked"], 0)):
        runs = [e for e in events if e["phase"] == "saved_hook" and e["kind"] == kind]
        assert len(runs) == len(expected), kind
        for run, tensor in zip(runs, expected, strict=True):
            assert (run["line"], run["name"], run["call"]) == (line, kind, call)
            assert_view(run["tensor"], tensor, f"{kind} got")
            assert_view(run["result"], tensor, f"{kind} returned")
    for name in ("save-on-cpu", "checkpoint-non-reentrant"):
        long = expand(assert_traces_as_plain(PRELUDE + MEMORY[name]))
        assert not [e for e in long["events"] if e["phase"] == "saved_hook"], name
