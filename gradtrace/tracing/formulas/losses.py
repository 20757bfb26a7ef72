"""Rules of the loss functions: per element slope, then the reduction (mean divides by n)."""

from __future__ import annotations

import torch

from gradtrace.tracing.formulas.core import Grads, Step, rule

__all__: list[str] = []

_MEAN = 1  # PyTorch's Reduction enum: 0 none, 1 mean, 2 sum
_REDUCTION = "reduction 'mean' divides by n, the number of elements; 'sum' does not"


def _reduced(s: Step, grad: torch.Tensor, per_element: torch.Tensor) -> torch.Tensor:
    """per_element times grad (spread when the loss was reduced), / n for 'mean'."""
    out = grad * per_element
    if s.attr("reduction") == _MEAN:
        out = out / per_element.numel()
    return out


@rule("MseLossBackward0", [("self", "grad · 2 · (self − target) / n"),
                           ("target", "−grad · 2 · (self − target) / n")],
      uses=["self", "target"], attrs=["reduction"], note=_REDUCTION)
def _mse(s: Step) -> Grads:
    slope = _reduced(s, s.grad, 2 * (s.value("self") - s.value("target")))
    return [slope, -slope]


@rule("SmoothL1LossBackward0",
      [("self", "grad · (self − target) / beta where |self − target| < beta, else "
                "grad · sign(self − target); / n"),
       ("target", "the negative of grad_self")],
      uses=["self", "target"], attrs=["reduction", "beta"], note=_REDUCTION)
def _smooth_l1(s: Step) -> Grads:
    diff, beta = s.value("self") - s.value("target"), s.attr("beta")
    per = torch.where(diff.abs() < beta, diff / beta, diff.sign())
    slope = _reduced(s, s.grad, per)
    return [slope, -slope]


@rule("NllLossBackward0",
      [("self", "−grad · weight[target] / total_weight at each row's target class, 0 elsewhere")],
      uses=["target", "total_weight", "weight"], attrs=["reduction", "ignore_index"],
      note="without weights weight = 1 and total_weight = the number of rows counted; "
      "'sum' does not divide, rows whose target is ignore_index get 0")
def _nll(s: Step) -> Grads:
    target = s.value("target")
    rows = s.shape(0)
    classes = rows[1] if len(rows) > 1 else rows[0]
    weight = s.saved.get("weight", torch.ones(classes))
    kept = target != s.attr("ignore_index")
    safe = torch.where(kept, target, torch.zeros_like(target))
    per_row = -weight[safe] * kept
    if s.attr("reduction") == _MEAN:
        per_row = per_row / s.value("total_weight")
    per_row = per_row * s.grad
    grad = torch.zeros(rows, dtype=s.grad.dtype)
    if len(rows) == 1:
        return [grad.index_put((safe,), per_row)]
    return [grad.scatter(1, safe.unsqueeze(1), per_row.unsqueeze(1))]


@rule("BinaryCrossEntropyBackward0",
      [("self", "grad · (self − target) / (self · (1 − self)) / n"),
       ("target", "grad · ln((1 − self) / self) / n")],
      uses=["self", "target"], attrs=["reduction"],
      note=_REDUCTION + "; self is a probability, clamped away from 0 and 1 by 1e-12")
def _bce(s: Step) -> Grads:
    if "weight" in s.saved:
        raise NotImplementedError("weighted binary cross entropy")
    p, y = s.value("self"), s.value("target")
    to_self = _reduced(s, s.grad, (p - y) / ((p * (1 - p)).clamp_min(1e-12)))
    return [to_self, _reduced(s, s.grad, torch.log1p(-p) - torch.log(p))]


@rule("BinaryCrossEntropyWithLogitsBackward0",
      [("self", "grad · (σ(self) − target) / n"), ("target", "−grad · self / n")],
      uses=["self", "target"], attrs=["reduction"],
      note=_REDUCTION + "; with pos_weight or weight those multiply the terms (not checked)")
def _bce_logits(s: Step) -> Grads:
    if "weight" in s.saved or "pos_weight" in s.saved:
        raise NotImplementedError("weighted binary cross entropy with logits")
    x, y = s.value("self"), s.value("target")
    return [_reduced(s, s.grad, torch.sigmoid(x) - y), _reduced(s, s.grad, -x)]
