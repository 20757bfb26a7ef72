"""Every hint in the table is reached by a real PyTorch error, raised by a real program.

Each program runs under the tracer (trusted, no sandbox) and in plain PyTorch: the error's
type, message and line must be PyTorch's, and the hint the table entry meant for it.
"""

from __future__ import annotations

import string

import pytest

from gradtrace.tracing import trace_source
from gradtrace.tracing.errors import find_hint, hint_for
from gradtrace.tracing.hints import HINTS
from tests.tracing.oracle import run_plain

HEADER = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"

FUNCTION = """
class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a * b * 2
    @staticmethod
    def backward(ctx, grad):
        return {returned}
a = torch.ones(2, requires_grad=True)
b = torch.ones(2, requires_grad=True)
Double.apply(a, b).sum().backward()
"""

ONCE = """
from torch.autograd.function import once_differentiable
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a
    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        a, = ctx.saved_tensors
        return 2 * a * grad
a = torch.ones(2, requires_grad=True)
y = Square.apply(a)
g, = torch.autograd.grad((y * y).sum(), a, create_graph=True)
g.sum().backward()
"""

SCALE = """
class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, n):
        {save}
        return a * n
    @staticmethod
    def backward(ctx, grad):
        return {returned}
Scale.apply(torch.ones(2, requires_grad=True), 3).sum().backward()
"""

NO_BACKWARD = """
class Half(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        return a / 2
a = torch.ones(2, requires_grad=True)
Half.apply(a).sum().backward()
"""

LEGACY = """
class Half(torch.autograd.Function):
    def forward(self, a):
        return a / 2
Half()(torch.ones(2, requires_grad=True))
"""

NO_INIT = """
class Net(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(2, 1)
Net()
"""

# (table entry, program after HEADER)
CASES: list[tuple[str, str]] = [
    ("second_backward", "x = torch.ones(2, requires_grad=True)\ny = x.exp().sum()\n"
     "y.backward()\ny.backward()\n"),
    ("second_backward", "x = torch.ones(2, requires_grad=True)\ny = x.exp()\n"
     "y.sum().backward()\nprint(y.grad_fn._saved_result)\n"),
    ("inplace_saved", "a = torch.ones(3, requires_grad=True)\nb = a.sigmoid()\nb.mul_(2)\n"
     "b.sum().backward()\n"),
    ("no_grad_fn", "x = torch.ones(2)\n(x * 2).sum().backward()\n"),
    ("no_grad_fn", "x = torch.ones(2, requires_grad=True)\nx.argmax().backward()\n"),
    ("implicit_scalar", "x = torch.ones(2, requires_grad=True)\n(x * 2).backward()\n"),
    ("implicit_scalar", "x = torch.ones(2, dtype=torch.cfloat, requires_grad=True)\n"
     "(x * 2).sum().backward()\n"),
    ("grad_shape", "x = torch.ones(2, requires_grad=True)\n(x * 2).backward(torch.ones(3))\n"),
    ("unused_input", "x = torch.ones(2, requires_grad=True)\nz = torch.ones(2, requires_grad=True)"
     "\ntorch.autograd.grad((x * 2).sum(), [x, z])\n"),
    ("integer_leaf", "x = torch.tensor([1, 2], requires_grad=True)\n"),
    ("integer_leaf", "x = torch.tensor([1, 2])\nx.requires_grad_()\n"),
    ("integer_leaf", "x = torch.arange(3)\nx.requires_grad = True\n"),
    ("view_leaf_inplace", "w = torch.ones(3, requires_grad=True)\nw[0] = 5.0\n"),
    ("view_leaf_inplace", "w = torch.ones(3, requires_grad=True)\nw[1:].mul_(2)\n"),
    ("leaf_inplace", "w = torch.ones(3, requires_grad=True)\nw += 1\n"),
    ("nonleaf_flag", "x = torch.ones(2, requires_grad=True)\ny = x * 2\ny.requires_grad = False\n"),
    ("retain_no_grad", "x = torch.ones(2, requires_grad=True)\nz = torch.ones(2)\n"
     "(x * 2).sum().backward(inputs=[z])\n"),
    ("grad_of_no_grad", "x = torch.ones(2, requires_grad=True)\nz = torch.ones(2)\n"
     "torch.autograd.grad((x * z).sum(), [x, z])\n"),
    ("not_differentiable_arg", "w = torch.ones(2, requires_grad=True)\n"
     "F.binary_cross_entropy(torch.rand(2), torch.ones(2), weight=w)\n"),
    ("detach_view", "x = torch.ones(2, requires_grad=True)\ny = (x * 2)[0:1]\ny.detach_()\n"),
    ("function_extra_grad", SCALE.format(save="", returned="grad * 3, torch.ones(1)")),
    ("save_non_tensor", SCALE.format(save="ctx.save_for_backward(n)", returned="grad, None")),
    ("hook_no_grad", "x = torch.ones(2)\nx.register_hook(lambda g: g * 2)\n"),
    ("retain_no_grad", "x = torch.ones(2)\nx.retain_grad()\n"),
    ("hook_size", "x = torch.ones(3, requires_grad=True)\ndef total(g):\n    return g.sum()\n"
     "x.register_hook(total)\nx.sum().backward()\n"),
    ("hook_size", "x = torch.ones(3, requires_grad=True)\ny = x * 2\n"
     "y.register_hook(lambda g: g[:2])\ny.sum().backward()\n"),
    ("hook_type", "x = torch.ones(3, requires_grad=True)\ndef wider(g):\n    return g.double()\n"
     "x.register_hook(wider)\nx.sum().backward()\n"),
    ("leaf_interior", "x = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\n"
     "x.requires_grad_(False)\nw = torch.ones(2, requires_grad=True)\nx.mul_(w)\ny.backward()\n"),
    ("anomaly_nan", "x = torch.tensor([4.0, 0.0], requires_grad=True)\n"
     "with torch.autograd.detect_anomaly():\n    y = x.sqrt()\n    (y * 0.0).sum().backward()\n"),
    ("function_count", FUNCTION.format(returned="grad")),
    ("function_shape", FUNCTION.format(returned="grad.sum(), grad")),
    ("function_shape", FUNCTION.format(returned="grad, torch.ones(3)")),
    ("once_differentiable", ONCE),
    ("no_double_backward", "x = torch.randn(3, 2, requires_grad=True)\n"
     "g, = torch.autograd.grad(torch.cdist(x, x).sum(), x, create_graph=True)\n"
     "g.sum().backward()\n"),
    ("function_no_backward", NO_BACKWARD),
    ("function_legacy", LEGACY),
    ("func_scalar", "from torch.func import grad\ngrad(lambda x: x * 2)(torch.ones(2))\n"),
    ("func_aux", "from torch.func import grad\ngrad(lambda x: (x.sum(), x))(torch.ones(2))\n"),
    ("vmap_per_sample", "from torch.func import vmap\nvmap(lambda x: x.item())(torch.ones(2))\n"),
    ("vmap_per_sample", "from torch.func import vmap\n"
     "vmap(lambda x: x if x.sum() > 0 else -x)(torch.ones(2, 2))\n"),
    ("vmap_sizes", "from torch.func import vmap\n"
     "vmap(lambda x, y: x + y)(torch.ones(3, 2), torch.ones(4, 2))\n"),
    ("func_float", "from torch.func import jacrev\njacrev(lambda x: x.argmax())(torch.ones(2))\n"),
    ("func_backward", "from torch.func import vmap\n"
     "vmap(lambda x: (x * 2).sum().backward())(torch.ones(2, 2, requires_grad=True))\n"),
    ("tangent_size", "import torch.autograd.forward_ad as fwAD\nwith fwAD.dual_level():\n"
     "    fwAD.make_dual(torch.ones(2), torch.ones(3))\n"),
    ("dual_level", "import torch.autograd.forward_ad as fwAD\n"
     "fwAD.make_dual(torch.ones(2), torch.ones(2))\n"),
    ("no_grad_view", "x = torch.ones(2, requires_grad=True)\ny = x * 2\nwith torch.no_grad():\n"
     "    v = y[0:1]\nv.mul_(2)\n"),
    ("multi_view", "x = torch.ones(2, 2, requires_grad=True)\na, b = (x * 2).unbind()\n"
     "a.mul_(2)\n"),
    ("overlap_write", "x = torch.zeros(1, 3).expand(2, 3)\nx.add_(1)\n"),
    ("inference_saved", "with torch.inference_mode():\n    x = torch.ones(2)\n"
     "w = torch.ones(2, requires_grad=True)\n(w * x).sum().backward()\n"),
    ("inference_write", "with torch.inference_mode():\n    x = torch.ones(2)\nx.add_(1)\n"),
    ("inference_write", "with torch.inference_mode():\n    x = torch.ones(2)\n"
     "x.requires_grad_()\n"),
    ("matmul_shapes", "a = torch.ones(2, 3)\nb = torch.ones(4, 5)\nc = a @ b\n"),
    ("matmul_shapes", "layer = nn.Linear(4, 2)\nlayer(torch.ones(3, 5))\n"),
    ("broadcast", "y = torch.ones(3) + torch.ones(4)\n"),
    ("view_stride", "x = torch.ones(2, 3).t()\nx.view(6)\n"),
    ("bad_shape", "torch.ones(6).view(4, 2)\n"),
    ("cat_sizes", "torch.cat([torch.ones(2, 3), torch.ones(2, 4)])\n"),
    ("cat_sizes", "torch.stack([torch.ones(2), torch.ones(3)])\n"),
    ("channels", "conv = nn.Conv2d(3, 8, 3)\nconv(torch.ones(1, 1, 5, 5))\n"),
    ("conv_dims", "conv = nn.Conv2d(3, 8, 3)\nconv(torch.ones(3))\n"),
    ("rnn_size", "rnn = nn.LSTM(3, 4)\nrnn(torch.ones(5, 1, 2))\n"),
    ("batchnorm_one", "nn.BatchNorm1d(3)(torch.ones(1, 3))\n"),
    ("index_range", "nn.Embedding(10, 3)(torch.tensor([11]))\n"),
    ("index_range", "x = torch.ones(2)\nx[5]\n"),
    ("rnn_dtype", "nn.GRU(3, 4)(torch.ones(5, 1, 3, dtype=torch.float64))\n"),
    ("class_target", "F.cross_entropy(torch.randn(3, 5), torch.tensor([1.0, 2.0, 3.0]))\n"),
    ("class_target", "F.multi_margin_loss(torch.randn(2, 3), torch.zeros(2))\n"),
    ("same_dtype", "nn.Linear(2, 2)(torch.ones(1, 2, dtype=torch.float64))\n"),
    ("same_dtype", "torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64)\n"),
    ("same_dtype", "F.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2).double())\n"),
    ("same_dtype", "nn.Conv2d(1, 1, 3)(torch.ones(1, 1, 5, 5, dtype=torch.float64))\n"),
    ("same_dtype", "F.binary_cross_entropy(torch.rand(2), torch.ones(2).double())\n"),
    ("same_dtype", "nn.LayerNorm(3)(torch.ones(2, 3).double())\n"),
    ("same_dtype", "x = torch.ones(3)\nx[torch.tensor([0])] = torch.ones(1).double()\n"),
    ("cast_result", "F.binary_cross_entropy_with_logits(torch.rand(2), torch.tensor([1, 0]))\n"),
    ("index_dtype", "nn.Embedding(10, 3)(torch.tensor([1.0, 2.0]))\n"),
    ("index_dtype", "torch.ones(3)[torch.tensor([0.0])]\n"),
    ("index_dtype", "F.one_hot(torch.zeros(3))\n"),
    ("integer_math", "F.cross_entropy(torch.tensor([[1, 2]]), torch.tensor([1]))\n"),
    ("multi_target", "F.cross_entropy(torch.randn(3, 5), torch.tensor([[1], [2], [3]]))\n"),
    ("batch_size", "F.cross_entropy(torch.randn(3, 5), torch.tensor([1, 2]))\n"),
    ("target_range", "F.cross_entropy(torch.randn(3, 5), torch.tensor([1, 2, 7]))\n"),
    ("bce_range", "F.binary_cross_entropy(torch.randn(3), torch.ones(3))\n"),
    ("target_size", "F.binary_cross_entropy(torch.rand(3, 1), torch.ones(3))\n"),
    ("bool_tensor", "x = torch.ones(2)\nif x > 0:\n    print(x)\n"),
    ("bool_tensor", "out = torch.randn(3, requires_grad=True)\nloss = nn.MSELoss(out, out * 2)\n"),
    ("not_a_tensor", "import numpy as np\nnn.Linear(2, 2)(np.ones((1, 2)))\n"),
    ("not_a_tensor", "nn.Linear(2, 2)([1.0, 2.0])\n"),
    ("python_number", "x = torch.ones(2, requires_grad=True)\nloss = (x * 2).sum().item()\n"
     "loss.backward()\n"),
    ("tensor_called", "out = torch.randn(3, requires_grad=True)\nloss = nn.MSELoss()\n"
     "for step in range(2):\n    loss = loss(out, torch.zeros(3))\n"),
    ("method_not_called", "model = nn.Linear(2, 2)\n"
     "opt = torch.optim.SGD(model.parameters, lr=0.1)\n"),
    ("keyword", "x = torch.ones(2, require_grad=True)\n"),
    ("dim_range", "torch.ones(2).sum(dim=1)\n"),
    ("t_dims", "torch.ones(2, 2, 2).t()\n"),
    ("to_scalar", "torch.ones(2).item()\n"),
    ("to_scalar", "float(torch.ones(2))\n"),
    ("numpy_grad", "x = torch.ones(2, requires_grad=True)\nx.numpy()\n"),
    ("grad_assign", "x = torch.ones(2, requires_grad=True)\nx.grad = torch.ones(3)\n"),
    ("grad_assign", "x = torch.ones(2, requires_grad=True)\nx.grad = torch.ones(2).double()\n"),
    ("optimize_nonleaf", "x = torch.ones(2, requires_grad=True)\n"
     "torch.optim.SGD([x * 2], lr=0.1)\n"),
    ("no_parameters", "torch.optim.SGD([], lr=0.1)\n"),
    ("module_init", NO_INIT),
    ("parameter_assign", "layer = nn.Linear(1, 1)\nlayer.weight = torch.ones(1, 1)\n"),
    ("no_forward", "class Net(nn.Module):\n    def foward(self, x):\n        return x\n"
     "Net()(torch.ones(1))\n"),
    ("no_cuda", "x = torch.ones(2).cuda()\n"),
    ("none_value", "x = torch.ones(2, requires_grad=True)\ny = (x * 2).sum()\nx.grad.zero_()\n"),
    ("none_value", "x = torch.ones(2, requires_grad=True)\nstep = x.grad * 0.1\n"),
    ("none_value", "x = torch.ones(2, requires_grad=True)\nstep = 0.1 * x.grad\n"),
    ("no_memory", "x = torch.empty(2 ** 45)\n"),
]


@pytest.mark.parametrize(("name", "body"), CASES)
def test_each_error_gets_its_hint(name: str, body: str) -> None:
    source = HEADER + body
    plain = run_plain(source).error
    error = trace_source(source)["error"]
    assert plain is not None and error is not None
    assert (error["type"], error["message"], error["line"]) == (
        plain.type, plain.message, plain.line)
    found = find_hint(error["message"])
    assert found is not None and found[0].name == name
    assert error["hint"] is not None and error["hint"].endswith(hint_for(plain.message) or "?")


def test_every_hint_has_a_program() -> None:
    assert {hint.name for hint in HINTS} == {name for name, _ in CASES}
    assert len({hint.name for hint in HINTS}) == len(HINTS)


def test_hints_speak_of_the_program() -> None:
    """A hint names the program's hook, Function and numbers, taken from the message."""
    assert "total" in (hint_for("hook 'total' has changed the size of value") or "")
    text = hint_for("function DoubleBackward returned an incorrect number of gradients "
                    "(expected 2, got 1)") or ""
    assert "DoubleBackward" in text and "2" in text and "1" in text


def test_every_placeholder_comes_from_its_pattern() -> None:
    """A ``{name}`` the pattern does not capture would make hint_for raise, not hint."""
    for hint in HINTS:
        fields = {field for _, field, _, _ in string.Formatter().parse(hint.text) if field}
        assert fields <= set(hint.pattern.groupindex), hint.name
