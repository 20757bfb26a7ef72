"""Rules of the arithmetic ops: + - * / and powers, with broadcasting undone by a sum."""

from __future__ import annotations

import torch

from gradtrace.tracing.formulas.core import Grads, Step, rule, sum_to

__all__: list[str] = []

_BROADCAST = "each summed over the dimensions broadcasting stretched, back to that input's shape"


@rule("AddBackward0", [("self", "grad"), ("other", "alpha · grad")], attrs=["alpha"],
      note=_BROADCAST)
def _add(s: Step) -> Grads:
    return [sum_to(s.grad, s.shapes[0]), sum_to(s.attr("alpha") * s.grad, s.shapes[1])]


@rule(["AddBackward1", "SubBackward1", "torch::autograd::Identity"], [("self", "grad")],
      note="a scalar was added (or subtracted): the gradient passes unchanged")
def _same(s: Step) -> Grads:
    return [s.grad]


@rule("SubBackward0", [("self", "grad"), ("other", "−alpha · grad")], attrs=["alpha"],
      note=_BROADCAST)
def _sub(s: Step) -> Grads:
    return [sum_to(s.grad, s.shapes[0]), sum_to(-s.attr("alpha") * s.grad, s.shapes[1])]


@rule("RsubBackward1", [("self", "−alpha · grad")], attrs=["alpha"],
      note="other − alpha · self with a scalar other")
def _rsub(s: Step) -> Grads:
    return [-s.attr("alpha") * s.grad]


@rule("MulBackward0", [("self", "grad · other"), ("other", "grad · self")],
      uses=["self", "other"], note=_BROADCAST)
def _mul(s: Step) -> Grads:
    grads: Grads = [None, None]
    if s.shapes[0] is not None:
        grads[0] = sum_to(s.grad * s.value("other"), s.shapes[0])
    if s.shapes[1] is not None:
        grads[1] = sum_to(s.grad * s.value("self"), s.shapes[1])
    return grads


@rule("MulBackward1", [("self", "grad · other")], attrs=["other"],
      note="other is a number, kept with the node")
def _mul_scalar(s: Step) -> Grads:
    return [s.grad * s.attr("other")]


@rule("DivBackward0", [("self", "grad / other"), ("other", "−grad · self / other²")],
      uses=["self", "other"], note=_BROADCAST)
def _div(s: Step) -> Grads:
    other = s.value("other")
    grads: Grads = [sum_to(s.grad / other, s.shapes[0]), None]
    if s.shapes[1] is not None:
        grads[1] = sum_to(-s.grad * s.value("self") / (other * other), s.shapes[1])
    return grads


@rule("DivBackward1", [("self", "grad / other")], attrs=["other"],
      note="other is a number, kept with the node")
def _div_scalar(s: Step) -> Grads:
    return [s.grad / s.attr("other")]


@rule("NegBackward0", [("self", "−grad")])
def _neg(s: Step) -> Grads:
    return [-s.grad]


@rule("PowBackward0", [("self", "grad · exponent · self^(exponent−1)")], uses=["self"],
      attrs=["exponent"], note="exponent is a number; exponent 0 gives 0")
def _pow(s: Step) -> Grads:
    exponent = s.attr("exponent")
    if exponent == 0:
        return [torch.zeros_like(s.value("self"))]
    return [s.grad * exponent * s.value("self") ** (exponent - 1)]


@rule("PowBackward1", [("self", "grad · exponent · self^(exponent−1)"),
                       ("exponent", "grad · result · ln(self)")],
      uses=["self", "exponent", "result"],
      note="result = self^exponent; where self = 0 and exponent ≥ 0, grad_exponent is 0. "
      + _BROADCAST)
def _pow_tensor(s: Step) -> Grads:
    base, exponent, result = s.value("self"), s.value("exponent"), s.value("result")
    to_self = torch.where(exponent == 0, torch.zeros_like(result),
                          s.grad * exponent * base ** (exponent - 1))
    to_exponent = torch.where((base == 0) & (exponent >= 0), torch.zeros_like(result),
                              s.grad * result * torch.log(base))
    return [sum_to(to_self, s.shapes[0]), sum_to(to_exponent, s.shapes[1])]


@rule("PowBackward2", [("exponent", "grad · result · ln(self)")], uses=["result"],
      attrs=["self"], note="self is a number (the base), result = self^exponent")
def _pow_scalar_base(s: Step) -> Grads:
    base = float(s.attr("self"))
    if base == 0:
        return [torch.zeros_like(s.value("result"))]
    return [s.grad * s.value("result") * torch.log(torch.tensor(base))]


@rule("AddcmulBackward0", [("self", "grad"), ("tensor1", "grad · value · tensor2"),
                           ("tensor2", "grad · value · tensor1")],
      uses=["tensor1", "tensor2"], attrs=["value"], note=_BROADCAST)
def _addcmul(s: Step) -> Grads:
    value = s.attr("value")
    return [sum_to(s.grad, s.shapes[0]),
            sum_to(s.grad * value * s.value("tensor2"), s.shapes[1]),
            sum_to(s.grad * value * s.value("tensor1"), s.shapes[2])]


@rule("MaximumBackward0", [("self", "grad where self > other (half of it where equal)"),
                           ("other", "grad where other > self (half of it where equal)")],
      uses=["self", "other"], note=_BROADCAST)
def _maximum(s: Step) -> Grads:
    return _pick(s, s.value("self") > s.value("other"))


@rule("MinimumBackward0", [("self", "grad where self < other (half of it where equal)"),
                           ("other", "grad where other < self (half of it where equal)")],
      uses=["self", "other"], note=_BROADCAST)
def _minimum(s: Step) -> Grads:
    return _pick(s, s.value("self") < s.value("other"))


def _pick(s: Step, wins: torch.Tensor) -> Grads:
    tie = s.value("self") == s.value("other")
    zero = torch.zeros_like(s.grad)
    half = s.grad / 2
    to_self = torch.where(tie, half, torch.where(wins, s.grad, zero))
    to_other = torch.where(tie, half, torch.where(wins, zero, s.grad))
    return [sum_to(to_self, s.shapes[0]), sum_to(to_other, s.shapes[1])]


@rule("WhereBackward0", [("self", "grad where condition, else 0"),
                         ("other", "grad where not condition, else 0")],
      uses=["condition"], note=_BROADCAST)
def _where(s: Step) -> Grads:
    condition = s.value("condition")
    zero = torch.zeros_like(s.grad)
    return [sum_to(torch.where(condition, s.grad, zero), s.shapes[0]),
            sum_to(torch.where(condition, zero, s.grad), s.shapes[1])]


@rule("XlogyBackward0", [("self", "grad · ln(other)  (0 where self = 0)"),
                         ("other", "grad · self / other")], uses=["self", "other"],
      note=_BROADCAST)
def _xlogy(s: Step) -> Grads:
    x, y = s.value("self"), s.value("other")
    to_self = torch.where((x == 0) & ~y.isnan(), torch.zeros_like(s.grad), s.grad * y.log())
    return [sum_to(to_self, s.shapes[0]), sum_to(s.grad * x / y, s.shapes[1])]
