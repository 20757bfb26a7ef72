"""Rules of reductions (sum, mean, max, norms) and of softmax: spread grad back over dims."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from gradtrace.tracing.formulas.core import Grads, Step, rule

__all__: list[str] = []


def _dims(dim: int | Sequence[int] | None, rank: int) -> tuple[int, ...]:
    """The reduced dimensions, non-negative (None or () means all of them)."""
    if dim is None:
        return tuple(range(rank))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    return tuple(d % max(rank, 1) for d in dims) or tuple(range(rank))


def _spread(grad: torch.Tensor, shape: tuple[int, ...], dim: object, keepdim: bool) -> torch.Tensor:
    """grad put back on the reduced dims (keepdim=False dropped them), expanded to ``shape``."""
    if not keepdim:
        for d in sorted(_dims(dim, len(shape))):  # type: ignore[arg-type]
            grad = grad.unsqueeze(d)
    return grad.expand(shape)


@rule("SumBackward0", [("self", "grad, copied to every element of self")],
      note="the sum of all elements: each one counts once")
def _sum(s: Step) -> Grads:
    return [s.grad.expand(s.shape(0))]


@rule("SumBackward1", [("self", "grad, copied along the summed dims")], attrs=["dim", "keepdim"])
def _sum_dim(s: Step) -> Grads:
    return [_spread(s.grad, s.shape(0), s.attr("dim"), s.attr("keepdim"))]


@rule("MeanBackward0", [("self", "grad / n, spread over self's shape")],
      note="n = the number of elements of self")
def _mean(s: Step) -> Grads:
    shape = s.shape(0)
    return [(s.grad / max(torch.Size(shape).numel(), 1)).expand(shape)]


@rule("MeanBackward1", [("self", "grad / n, copied along the averaged dims")],
      attrs=["dim", "keepdim"], note="n = the number of elements averaged into each output")
def _mean_dim(s: Step) -> Grads:
    shape = s.shape(0)
    count = 1
    for d in _dims(s.attr("dim"), len(shape)):
        count *= shape[d]
    return [_spread(s.grad / count, shape, s.attr("dim"), s.attr("keepdim"))]


@rule("MaxBackward1", [("self", "grad shared evenly among the elements equal to result")],
      uses=["self", "result"], note="max (or min) of all elements; ties split the gradient")
def _max_all(s: Step) -> Grads:
    hits = (s.value("self") == s.value("result")).to(s.grad.dtype)
    return [hits * s.grad / hits.sum()]


@rule(["MaxBackward0", "MinBackward0"], [("self", "grad at the index that won, 0 elsewhere")],
      uses=["indices"], attrs=["dim", "keepdim"])
def _max_dim(s: Step) -> Grads:
    dim, shape = s.attr("dim") % len(s.shape(0)), s.shape(0)
    grad, indices = s.grad, s.value("indices")
    if not s.attr("keepdim"):
        grad, indices = grad.unsqueeze(dim), indices.unsqueeze(dim)
    return [torch.zeros(shape, dtype=grad.dtype).scatter(dim, indices, grad)]


@rule(["AmaxBackward0", "AminBackward0"],
      [("self", "grad shared evenly among the elements equal to result along dim")],
      uses=["self", "result"], attrs=["dim", "keepdim"])
def _amax(s: Step) -> Grads:
    shape, dim, keep = s.shape(0), s.attr("dim"), s.attr("keepdim")
    result = _spread(s.value("result"), shape, dim, keep)
    hits = (s.value("self") == result).to(s.grad.dtype)
    count = _spread(hits.sum(dim=_dims(dim, len(shape)), keepdim=keep), shape, dim, keep)
    return [hits * _spread(s.grad, shape, dim, keep) / count]


@rule("ProdBackward0", [("self", "grad · result / self")], uses=["self", "result"],
      note="the product of the others; where self holds zeros PyTorch multiplies the others out")
def _prod(s: Step) -> Grads:
    x = s.value("self")
    if bool((x == 0).any()):
        flat = x.reshape(-1)
        others = torch.stack([torch.cat([flat[:i], flat[i + 1:]]).prod() for i in range(len(flat))])
        return [s.grad * others.reshape(x.shape)]
    return [s.grad * s.value("result") / x]


@rule("CumsumBackward0", [("self", "grad summed from each position to the end, along dim")],
      attrs=["dim"])
def _cumsum(s: Step) -> Grads:
    dim = s.attr("dim")
    return [s.grad.flip(dim).cumsum(dim).flip(dim)]


@rule("LinalgVectorNormBackward0",
      [("self", "grad · sign(self) · |self|^(ord−1) / result^(ord−1)")],
      uses=["self", "result"], attrs=["ord", "dim", "keepdim"],
      note="ord = 2: grad · self / result (0 where result = 0)")
def _vector_norm(s: Step) -> Grads:
    x, order = s.value("self"), float(s.attr("ord"))
    shape, dim, keep = tuple(x.shape), s.attr("dim"), s.attr("keepdim")
    norm = _spread(s.value("result"), shape, dim, keep)
    grad = _spread(s.grad, shape, dim, keep)
    if order == 2:
        scaled = x / norm
    elif order == 1:
        scaled = x.sign() * torch.ones_like(norm)
    else:
        scaled = x.sign() * x.abs() ** (order - 1) / norm ** (order - 1)
    return [grad * torch.where(norm == 0, torch.zeros_like(scaled), scaled)]


@rule(["SoftmaxBackward0", "SafeSoftmaxBackward0"],
      [("self", "result · (grad − Σ_dim(grad · result))")], uses=["result"], attrs=["dim"],
      note="result = softmax(self) along dim; the sum runs along dim")
def _softmax(s: Step) -> Grads:
    y, dim = s.value("result"), s.attr("dim")
    return [y * (s.grad - (s.grad * y).sum(dim, keepdim=True))]


@rule("LogSoftmaxBackward0", [("self", "grad − exp(result) · Σ_dim grad")], uses=["result"],
      attrs=["dim"], note="result = log_softmax(self); exp(result) is the softmax")
def _log_softmax(s: Step) -> Grads:
    dim = s.attr("dim")
    return [s.grad - s.value("result").exp() * s.grad.sum(dim, keepdim=True)]


@rule("VarBackward0", [("self", "grad · 2 · (self − mean) / (n − correction)")], uses=["self"],
      attrs=["dim", "keepdim", "correction"], note="correction defaults to 1 (Bessel)")
def _var(s: Step) -> Grads:
    x, dim, keep = s.value("self"), s.attr("dim"), s.attr("keepdim")
    return [_spread(s.grad, tuple(x.shape), dim, keep) * _centred(x, dim, s.attr("correction"))]


@rule("StdBackward0", [("self", "grad · (self − mean) / ((n − correction) · result)")],
      uses=["self", "result"], attrs=["dim", "keepdim", "correction"])
def _std(s: Step) -> Grads:
    x, dim, keep = s.value("self"), s.attr("dim"), s.attr("keepdim")
    shape = tuple(x.shape)
    scale = _spread(s.grad / s.value("result"), shape, dim, keep) / 2
    return [scale * _centred(x, dim, s.attr("correction"))]


def _centred(x: torch.Tensor, dim: object, correction: float | None) -> torch.Tensor:
    """2 · (x − mean) / (n − correction): the slope of the variance."""
    dims = _dims(dim, x.dim())  # type: ignore[arg-type]
    count = 1
    for d in dims:
        count *= x.shape[d]
    denominator = count - (1 if correction is None else correction)
    return 2 * (x - x.mean(dim=dims, keepdim=True)) / denominator
