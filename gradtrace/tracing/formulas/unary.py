"""Rules of the elementwise functions and activations: grad times the local slope."""

from __future__ import annotations

import math

import torch

from gradtrace.tracing.formulas.core import Grads, Step, rule

__all__: list[str] = []


@rule("ExpBackward0", [("self", "grad · result")], uses=["result"],
      note="result = exp(self): exp is its own slope")
def _exp(s: Step) -> Grads:
    return [s.grad * s.value("result")]


@rule("LogBackward0", [("self", "grad / self")], uses=["self"])
def _log(s: Step) -> Grads:
    return [s.grad / s.value("self")]


@rule("SqrtBackward0", [("self", "grad / (2 · result)")], uses=["result"],
      note="result = √self; at self = 0 this divides by 0")
def _sqrt(s: Step) -> Grads:
    return [s.grad / (2 * s.value("result"))]


@rule("RsqrtBackward0", [("self", "−grad · result³ / 2")], uses=["result"],
      note="result = 1/√self")
def _rsqrt(s: Step) -> Grads:
    return [-0.5 * s.grad * s.value("result") ** 3]


@rule("ReciprocalBackward0", [("self", "−grad · result²")], uses=["result"],
      note="result = 1/self")
def _reciprocal(s: Step) -> Grads:
    return [-s.grad * s.value("result") ** 2]


@rule("SinBackward0", [("self", "grad · cos(self)")], uses=["self"])
def _sin(s: Step) -> Grads:
    return [s.grad * s.value("self").cos()]


@rule("CosBackward0", [("self", "−grad · sin(self)")], uses=["self"])
def _cos(s: Step) -> Grads:
    return [-s.grad * s.value("self").sin()]


@rule("AtanBackward0", [("self", "grad / (1 + self²)")], uses=["self"])
def _atan(s: Step) -> Grads:
    return [s.grad / (1 + s.value("self") ** 2)]


@rule("ErfBackward0", [("self", "grad · 2/√π · exp(−self²)")], uses=["self"])
def _erf(s: Step) -> Grads:
    return [s.grad * 2 / math.sqrt(math.pi) * torch.exp(-s.value("self") ** 2)]


@rule("TanhBackward0", [("self", "grad · (1 − result²)")], uses=["result"],
      note="result = tanh(self)")
def _tanh(s: Step) -> Grads:
    return [s.grad * (1 - s.value("result") ** 2)]


@rule("TanhBackwardBackward0", [("grad_output", "grad · (1 − output²)"),
                                ("output", "−2 · grad · grad_output · output")],
      uses=["grad_output", "output"], note="the backward of tanh's backward (double backward)")
def _tanh_twice(s: Step) -> Grads:
    out, upstream = s.value("output"), s.value("grad_output")
    return [s.grad * (1 - out ** 2), -2 * s.grad * upstream * out]


@rule("SigmoidBackward0", [("self", "grad · result · (1 − result)")], uses=["result"],
      note="result = σ(self)")
def _sigmoid(s: Step) -> Grads:
    result = s.value("result")
    return [s.grad * result * (1 - result)]


@rule("LogSigmoidBackward0", [("self", "grad · (1 − σ(self))")], uses=["self"])
def _logsigmoid(s: Step) -> Grads:
    return [s.grad * (1 - torch.sigmoid(s.value("self")))]


@rule("SiluBackward0", [("self", "grad · σ(self) · (1 + self · (1 − σ(self)))")],
      uses=["self"])
def _silu(s: Step) -> Grads:
    x = s.value("self")
    sig = torch.sigmoid(x)
    return [s.grad * sig * (1 + x * (1 - sig))]


@rule("ReluBackward0", [("self", "grad where result > 0, else 0")], uses=["result"],
      note="result = max(self, 0)")
def _relu(s: Step) -> Grads:
    return [s.grad * (s.value("result") > 0)]


@rule("LeakyReluBackward0", [("self", "grad where self > 0, else negative_slope · grad")],
      uses=["self"], attrs=["negative_slope"])
def _leaky(s: Step) -> Grads:
    return [torch.where(s.value("self") > 0, s.grad, s.attr("negative_slope") * s.grad)]


@rule("EluBackward0", [("self", "grad where self > 0, else grad · alpha · exp(self)")],
      uses=["self"], attrs=["alpha", "scale", "input_scale"],
      note="with scale = input_scale = 1 (nn.ELU); SELU scales both branches")
def _elu(s: Step) -> Grads:
    x = s.value("self")
    alpha, scale, inner = s.attr("alpha"), s.attr("scale"), s.attr("input_scale")
    negative = s.grad * inner * scale * alpha * torch.exp(x * inner)
    return [torch.where(x > 0, s.grad * scale, negative)]


@rule("GeluBackward0", [("self", "grad · (Φ(self) + self · φ(self))")], uses=["self"],
      attrs=["approximate"],
      note="Φ, φ: the standard normal's CDF and density; approximate='tanh' uses the "
      "derivative of 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))")
def _gelu(s: Step) -> Grads:
    x = s.value("self")
    if s.attr("approximate") == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
        th = torch.tanh(inner)
        slope = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x ** 2)
        return [s.grad * (0.5 * (1 + th) + 0.5 * x * (1 - th ** 2) * slope)]
    cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))
    pdf = torch.exp(-0.5 * x ** 2) / math.sqrt(2 * math.pi)
    return [s.grad * (cdf + x * pdf)]


@rule("SoftplusBackward0", [("self", "grad · σ(beta · self)")], uses=["self"],
      attrs=["beta", "threshold"], note="where beta · self > threshold softplus is the "
      "identity and the gradient passes unchanged")
def _softplus(s: Step) -> Grads:
    scaled = s.value("self") * s.attr("beta")
    return [torch.where(scaled > s.attr("threshold"), s.grad, s.grad * torch.sigmoid(scaled))]


@rule("AbsBackward0", [("self", "grad · sign(self)")], uses=["self"],
      note="sign(0) = 0: at 0 the gradient is 0")
def _abs(s: Step) -> Grads:
    return [s.grad * s.value("self").sign()]


@rule("ClampBackward1", [("self", "grad where min ≤ self ≤ max, else 0")], uses=["self"],
      attrs=["min", "max"], note="a missing bound does not cut")
def _clamp(s: Step) -> Grads:
    return [s.grad * _inside(s.value("self"), s.attr("min"), s.attr("max"))]


@rule("ClampMinBackward0", [("self", "grad where self ≥ min, else 0")], uses=["self"],
      attrs=["min"])
def _clamp_min(s: Step) -> Grads:
    return [s.grad * _inside(s.value("self"), s.attr("min"), None)]


@rule("ClampMaxBackward0", [("self", "grad where self ≤ max, else 0")], uses=["self"],
      attrs=["max"])
def _clamp_max(s: Step) -> Grads:
    return [s.grad * _inside(s.value("self"), None, s.attr("max"))]


@rule("HardtanhBackward0", [("self", "grad where min_val < self < max_val, else 0")],
      uses=["self"], attrs=["min_val", "max_val"])
def _hardtanh(s: Step) -> Grads:
    x = s.value("self")
    return [s.grad * ((x > s.attr("min_val")) & (x < s.attr("max_val")))]


def _inside(x: torch.Tensor, low: float | None, high: float | None) -> torch.Tensor:
    keep = torch.ones_like(x, dtype=torch.bool)
    if low is not None:
        keep &= x >= low
    if high is not None:
        keep &= x <= high
    return keep


@rule("NativeDropoutBackward0", [("self", "grad · mask / (1 − p)")], uses=["result1"],
      attrs=["p"], note="result1 is the mask of kept elements (1 kept, 0 dropped)")
def _dropout(s: Step) -> Grads:
    scale = 0.0 if s.attr("p") == 1 else 1 / (1 - s.attr("p"))
    return [s.grad * s.value("result1") * scale]


@rule("MaskedFillBackward0", [("self", "grad where not mask, else 0")], uses=["mask"],
      note="the filled places came from the fill value, not from self")
def _masked_fill(s: Step) -> Grads:
    return [s.grad.masked_fill(s.value("mask"), 0)]


@rule(["CloneBackward0", "AliasBackward0"],
      [("self", "grad")], note="a copy: the gradient passes unchanged")
def _clone(s: Step) -> Grads:
    return [s.grad]


@rule("ToCopyBackward0",
      [("self", "grad, converted back to self's dtype")])
def _to_copy(s: Step) -> Grads:
    source = s.inputs[0]
    return [s.grad if source is None else s.grad.to(source.dtype)]
