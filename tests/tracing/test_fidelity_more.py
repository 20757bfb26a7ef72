"""More programs from the autograd tutorials, docs and forum answers, traced as plain PyTorch.

Checking gradients (gradcheck, anomaly mode), grad modes, training-loop idioms and the
torch.func recipes (model ensembling, custom Functions with vmap and forward-AD support):
each must trace with PyTorch's values, gradients, stdout and error
(``tests.tracing.fidelity``).
"""

from __future__ import annotations

import pytest

from gradtrace.tracing import trace_source
from tests.tracing.fidelity import PRELUDE, assert_traces_as_plain, bare_stdout

# Checking gradients, grad modes and the graph itself.
CHECKS = {
    "gradcheck": """
from torch.autograd import gradcheck
x = torch.randn(3, dtype=torch.double, requires_grad=True)
print(gradcheck(torch.sin, (x,)))
print(torch.autograd.gradgradcheck(torch.sin, (x,)))
""",
    "functional-vjp-hvp": """
from torch.autograd.functional import vjp, jvp, hvp, vhp
def f(x):
    return (x ** 3).sum()
x = torch.randn(3)
v = torch.ones(3)
out, g = vjp(f, x)
_, h = hvp(f, x, v)
_, h2 = vhp(f, x, v)
_, jv = jvp(lambda t: t ** 2, x, v)
""",
    "anomaly": """
x = torch.randn(3, requires_grad=True)
with torch.autograd.detect_anomaly():
    y = (x * 2).exp().sum()
    y.backward()
print(x.grad.shape)
""",
    "grad-fn-inspect": """
x = torch.tensor(2.0, requires_grad=True)
y = x * x + 1
print(y.grad_fn.name())
print([type(f).__name__ for f, _ in y.grad_fn.next_functions])
nxt = y.grad_fn.next_functions[0][0]
print([i for _, i in nxt.next_functions])
y.grad_fn.metadata['note'] = 1
print(y.is_leaf, y.requires_grad)
y.backward()
""",
    "error-second-backward": """
x = torch.randn(3, requires_grad=True)
y = (x * x).sum()
y.backward()
y.backward()
""",
    "error-int-requires-grad": """
x = torch.tensor([1, 2], requires_grad=True)
""",
    "disable-saved-hooks": """
x = torch.randn(3, requires_grad=True)
with torch.autograd.graph.disable_saved_tensors_hooks('no hooks here'):
    y = x.exp()
y.sum().backward()
""",
    "detach-requires": """
x = torch.randn(3, requires_grad=True)
y = x.detach()
y.requires_grad_()
z = (y * 2).sum()
z.backward()
x2 = x.clone().detach_()
print(y.grad, x.grad, x2.requires_grad)
""",
    "grad-modes": """
x = torch.ones(2, requires_grad=True)
@torch.no_grad()
def f(t):
    return t * 2
y = f(x)
with torch.inference_mode():
    z = x * 3
with torch.set_grad_enabled(False):
    w = x + 1
with torch.no_grad():
    with torch.enable_grad():
        v = x * x
v.sum().backward()
print(y.requires_grad, z.requires_grad, w.requires_grad, x.grad)
""",
}

# Training-loop idioms: hooks on accumulation, clipping, closures, mixed precision.
TRAINING = {
    "post-accumulate-hook": """
model = nn.Linear(3, 2)
opts = {p: torch.optim.SGD([p], lr=0.1) for p in model.parameters()}
def step(p):
    opts[p].step()
    opts[p].zero_grad()
for p in model.parameters():
    p.register_post_accumulate_grad_hook(step)
for _ in range(2):
    model(torch.randn(4, 3)).sum().backward()
w = model.weight.detach().clone()
""",
    "multi-grad-hook": """
a = torch.ones(2, requires_grad=True)
b = torch.ones(2, requires_grad=True)
c = a * 2
d = b * 3
def seen(grads):
    print([g is None for g in grads])
torch.autograd.graph.register_multi_grad_hook((c, d), seen)
(c.sum() + d.sum()).backward()
""",
    "clip-grad-accum": """
model = nn.Linear(4, 1)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for i in range(4):
    loss = model(torch.randn(2, 4)).pow(2).mean() / 2
    loss.backward()
    if (i + 1) % 2 == 0:
        n = torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        opt.zero_grad()
print(float(n) >= 0)
""",
    "lbfgs": """
x = torch.tensor([1.5, -0.5], requires_grad=True)
opt = torch.optim.LBFGS([x], lr=0.5, max_iter=5)
def closure():
    opt.zero_grad()
    loss = (x ** 2).sum() + x.prod()
    loss.backward()
    return loss
for _ in range(2):
    opt.step(closure)
print(x)
""",
    "autocast": """
model = nn.Linear(4, 2)
x = torch.randn(3, 4)
with torch.autocast('cpu', dtype=torch.bfloat16):
    out = model(x)
    loss = out.float().pow(2).mean()
loss.backward()
print(out.dtype)
""",
    "sdpa": """
q = torch.randn(1, 2, 4, 8, requires_grad=True)
k = torch.randn(1, 2, 4, 8)
v = torch.randn(1, 2, 4, 8)
out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
loss = out.sum()
loss.backward()
""",
    "mha": """
mha = nn.MultiheadAttention(8, 2, batch_first=True)
x = torch.randn(2, 3, 8, requires_grad=True)
out, attn = mha(x, x, x)
loss = out.sum()
loss.backward()
""",
}

# torch.func recipes and custom Functions that support transforms and forward AD.
FUNC_MORE = {
    "grad-has-aux-argnums": """
from torch.func import grad, grad_and_value
def f(x, y):
    loss = (x * y).sum()
    return loss, {'loss': loss.detach()}
x = torch.randn(3)
y = torch.randn(3)
gx, aux = grad(f, argnums=0, has_aux=True)(x, y)
gxy, (val, aux2) = grad_and_value(f, argnums=(0, 1), has_aux=True)(x, y)
""",
    "ensembling": """
from torch.func import stack_module_state, functional_call, vmap
import copy
models = [nn.Linear(3, 2) for _ in range(4)]
params, buffers = stack_module_state(models)
base = copy.deepcopy(models[0]).to('meta')
def fmodel(p, b, x):
    return functional_call(base, (p, b), (x,))
x = torch.randn(5, 3)
out = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
loss = out.sum()
loss.backward()
print(out.shape)
""",
    "vmap-randomness": """
from torch.func import vmap
x = torch.ones(4, 3)
out = vmap(lambda t: F.dropout(t, 0.5), randomness='different')(x)
out2 = vmap(lambda t: t + torch.randn(3), randomness='same')(x)
""",
    "linearize": """
from torch.func import linearize
x = torch.randn(3)
out, jvp_fn = linearize(torch.sin, x)
t = jvp_fn(torch.ones(3))
""",
    "custom-fn-jvp": """
class Exp(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x.exp()
    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)
    @staticmethod
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return g * r
    @staticmethod
    def jvp(ctx, t):
        (r,) = ctx.saved_tensors
        return t * r
import torch.autograd.forward_ad as fwAD
x = torch.randn(3, requires_grad=True)
with fwAD.dual_level():
    y = Exp.apply(fwAD.make_dual(x, torch.ones(3)))
    tan = fwAD.unpack_dual(y).tangent
loss = Exp.apply(x).sum()
loss.backward()
from torch.func import grad
g = grad(lambda t: Exp.apply(t).sum())(torch.randn(3))
""",
    "custom-fn-vmap": """
class Sq(torch.autograd.Function):
    generate_vmap_rule = True
    @staticmethod
    def forward(x):
        return x * x
    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g
from torch.func import vmap, grad
out = vmap(Sq.apply)(torch.randn(4, 3))
gs = vmap(grad(lambda t: Sq.apply(t).sum()))(torch.randn(4, 3))
""",
    "fwad-module": """
import torch.autograd.forward_ad as fwAD
from torch.func import functional_call
model = nn.Linear(5, 5)
params = {n: p for n, p in model.named_parameters()}
tangents = {n: torch.rand_like(p) for n, p in params.items()}
x = torch.randn(16, 5)
with fwAD.dual_level():
    dual_params = {n: fwAD.make_dual(p, tangents[n]) for n, p in params.items()}
    out = functional_call(model, dual_params, x)
    jvp = fwAD.unpack_dual(out).tangent
print(jvp.shape)
""",
    "double-backward-custom": """
class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2
x = torch.tensor(2.0, requires_grad=True)
y = MyCube.apply(x)
(g,) = torch.autograd.grad(y, x, create_graph=True)
(g2,) = torch.autograd.grad(g, x)
print(g, g2)
""",
}
PROGRAMS = {**CHECKS, **TRAINING, **FUNC_MORE}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_traces_as_plain_pytorch(name: str) -> None:
    assert_traces_as_plain(PRELUDE + PROGRAMS[name])


def test_no_grad_view_bound_to_a_name() -> None:
    """A view made under no_grad and written in place, kept in a variable: PyTorch refuses
    to say whether it is a leaf (the oracle cannot even look), the trace must still run."""
    source = PRELUDE + (
        "w = torch.ones(4, requires_grad=True)\nwith torch.no_grad():\n    v = w[:2]\n"
        "    v.mul_(3)\nloss = (w * w).sum()\nloss.backward()\nprint(w.grad)\n")
    trace = trace_source(source)
    assert trace["ok"], trace["error"]
    assert trace["stdout"] == bare_stdout(source)
    assert trace["variables"]["v"]["node"] is None


def test_a_summarised_tensor_holding_infinities_is_shown_as_pytorch_has_it() -> None:
    """An additive attention mask (-inf above the diagonal), too big to list: its summary's
    min and mean are -inf in the trace as in PyTorch (the oracle must call them equal)."""
    assert_traces_as_plain(PRELUDE + (
        "mask = torch.triu(torch.full((6, 6), float('-inf')), diagonal=1)\n"
        "scores = torch.randn(6, 6, requires_grad=True)\n"
        "weights = torch.softmax(scores + mask, dim=-1)\n"
        "weights.sum().backward()\nprint(scores.grad.abs().max() < 1e-5)\n"))
