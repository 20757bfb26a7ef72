"""Tensors of every kind, the blog posts' spellings and hand-written loops, as plain PyTorch.

Lazy, named, bfloat16, complex32 and uint8 tensors, custom Functions with non-tensor
outputs, a tensor subclass with its own ``__torch_function__``, the autograd blog posts'
looks inside the graph (saved tensors, hooks on nodes), and the manual SGD loop of the
first autograd tutorial (``tests.tracing.fidelity``).
"""

from __future__ import annotations

import pytest

from tests.tracing.fidelity import PRELUDE, assert_traces_as_plain

# Tensors and modules of every kind: lazy, named, low-precision, subclassed.
KINDS = {
    "lazy-linear": """
model = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.Linear(4, 1))
out = model(torch.randn(3, 5))
loss = out.sum()
loss.backward()
print(model[0].weight.shape)
""",
    "named-tensor": """
x = torch.randn(2, 3, names=('N', 'C'), requires_grad=True)
y = (x * 2).sum('C')
loss = y.sum()
loss.backward()
print(x.names)
""",
    "bfloat16": """
x = torch.randn(4, requires_grad=True)
b = x.bfloat16()
y = (b * b).float().sum()
y.backward()
z = b.detach()
""",
    "complex32": """
x = torch.randn(2, dtype=torch.cfloat)
h = x.to(torch.chalf)
print(h.dtype)
""",
    "uint8-image": """
img = torch.randint(0, 256, (1, 3, 4, 4), dtype=torch.uint8)
x = img.float().div(255).requires_grad_()
conv = nn.Conv2d(3, 2, 3)
loss = conv(x).mean()
loss.backward()
""",
    "einsum-where": """
a = torch.randn(2, 3, requires_grad=True)
b = torch.randn(3, 4, requires_grad=True)
c = torch.einsum('ij,jk->ik', a, b)
d = torch.where(c > 0, c, 0.1 * c)
loss = torch.cdist(d, d).sum()
loss.backward()
""",
    "fn-nontensor-out": """
class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k, k + 1
    @staticmethod
    def backward(ctx, g, _):
        return g * ctx.k, None
x = torch.randn(3, requires_grad=True)
y, k2 = Scale.apply(x, 3)
y.sum().backward()
print(k2, x.grad)
""",
}

# Manual SGD loops that zero .grad after the last backward (events cannot sum to zero).
MANUAL_SGD = {
    "manual-sgd": """
w = torch.randn(3, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
x = torch.randn(10, 3)
y = x @ torch.tensor([1.0, 2.0, 3.0])
for _ in range(3):
    loss = ((x @ w + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        b -= 0.1 * b.grad
        w.grad.zero_()
        b.grad.zero_()
print(loss.item())
""",
    "data-sgd": """
w = torch.randn(3, requires_grad=True)
for _ in range(2):
    loss = (w ** 2).sum()
    loss.backward()
    w.data -= 0.1 * w.grad.data
    w.grad.data.zero_()
""",
}

SUBCLASS = '''class Logged(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return super().__torch_function__(func, types, args, kwargs or {})
x = torch.randn(3, requires_grad=True)
lx = x.as_subclass(Logged)
y = (lx * 2).sum()
y.backward()
print(type(y).__name__, x.grad)
'''


# The autograd blog posts' and mechanics notes' spellings: saved-tensor attributes and
# per-tensor pack hooks, Variable(...).type(...), hooks on graph nodes and AccumulateGrad.
BLOGS = {
    "raw-saved-hooks": """
def pack_hook(t):
    print('packing', t.shape)
    return t * 1
def unpack_hook(t):
    print('unpacking')
    return t
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
y.grad_fn._raw_saved_self.register_hooks(pack_hook, unpack_hook)
y.sum().backward()
print(torch.equal(x.grad, 2 * x))
""",
    "saved-attrs": """
x = torch.tensor([0.5, 0.75], requires_grad=True)
y = x.exp()
print(y.grad_fn._saved_result)
print(y.grad_fn._saved_result is y, torch.equal(y.grad_fn._saved_result, y))
z = x.pow(2)
print(z.grad_fn._saved_exponent, z.grad_fn._saved_self.shape)
""",
    "blog-variable-type": """
from torch.autograd import Variable
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
    def forward(self, x):
        return self.fc(x)
net = Net()
def hook(module, grad_input, grad_output):
    print(module.__class__.__name__, [g.shape if g is not None else None for g in grad_input])
net.fc.register_full_backward_hook(hook)
x = Variable(torch.randn(3, 2), requires_grad=True)
out = net(x)
g = Variable(torch.ones(1)).type(type(out.data))
out.sum().backward()
print(g.dtype)
""",
    "node-hooks-blog": """
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
c = a * b
d = c.sin()
c.grad_fn.register_prehook(lambda go: print('pre', go))
d.grad_fn.register_hook(lambda gi, go: print('post', gi, go))
d.backward()
print(a.grad, b.grad)
print(isinstance(d.grad_fn, torch.autograd.graph.Node))
""",
    "accumulate-grad-node": """
x = torch.ones(2, requires_grad=True)
y = x * 3
acc = y.grad_fn.next_functions[0][0]
print(type(acc).__name__, acc.variable is x)
acc.register_hook(lambda gi, go: print('acc', go))
y.sum().backward()
""",
}


@pytest.mark.parametrize("name", list({**KINDS, **BLOGS}))
def test_traces_as_plain_pytorch(name: str) -> None:
    assert_traces_as_plain(PRELUDE + {**KINDS, **BLOGS}[name])


@pytest.mark.parametrize("name", list(MANUAL_SGD))
def test_manual_sgd_traces_as_plain_pytorch(name: str) -> None:
    assert_traces_as_plain(PRELUDE + MANUAL_SGD[name], events=False)


def test_tensor_subclass() -> None:
    """The backward call is the line of ``y.backward()``: the oracle names the
    subclass's ``__torch_function__`` line, the innermost program frame it sees."""
    source = PRELUDE + SUBCLASS
    line = source.splitlines().index("y.backward()") + 1
    assert_traces_as_plain(source, calls=[("backward", line)])


def test_anomaly_mode_names_the_programs_forward_line() -> None:
    """detect_anomaly's warning carries the stack that made the failing node: the
    program's frames only, as running it as a script shows (the events hold NaN)."""
    source = PRELUDE + (
        "x = torch.tensor([4.0, 0.0], requires_grad=True)\n"
        "with torch.autograd.detect_anomaly():\n    y = x.sqrt()\n    z = (y * 0.0).sum()\n"
        "    z.backward()\n")
    trace = assert_traces_as_plain(source, events=False)
    stack = [w for w in trace["warnings"] if "Traceback of forward call" in w]
    assert stack, trace["warnings"]
    frames = [line for line in stack[0].splitlines() if line.startswith('  File "')]
    line = source.splitlines().index("    y = x.sqrt()") + 1
    assert frames == [f'  File "<program>", line {line}, in <module>'], frames
