"""Rules of matrix products and of the layers built on them: linear, conv, attention."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch.nn import grad as conv_grad

from gradtrace.tracing.formulas.core import Grads, Step, rule, sum_to, text_only

__all__: list[str] = []


@rule("AddmmBackward0", [("self", "beta · grad, summed over rows to self's shape"),
                         ("mat1", "alpha · grad · mat2ᵀ"), ("mat2", "alpha · mat1ᵀ · grad")],
      uses=["mat1", "mat2"], attrs=["alpha", "beta"],
      note="result = beta · self + alpha · mat1 · mat2 (nn.Linear: x · Wᵀ + b, beta = alpha = 1)")
def _addmm(s: Step) -> Grads:
    alpha = s.attr("alpha")
    grads: Grads = [sum_to(s.attr("beta") * s.grad, s.shapes[0]), None, None]
    if s.shapes[1] is not None:
        grads[1] = alpha * s.grad @ s.value("mat2").mT
    if s.shapes[2] is not None:
        grads[2] = alpha * s.value("mat1").mT @ s.grad
    return grads


@rule(["MmBackward0", "BmmBackward0"], [("self", "grad · mat2ᵀ"), ("mat2", "selfᵀ · grad")],
      uses=["self", "mat2"], note="bmm: the same for each matrix of the batch")
def _mm(s: Step) -> Grads:
    grads: Grads = [None, None]
    if s.shapes[0] is not None:
        grads[0] = s.grad @ s.value("mat2").mT
    if s.shapes[1] is not None:
        grads[1] = s.value("self").mT @ s.grad
    return grads


@rule("MvBackward0", [("self", "grad ⊗ vec (outer product)"), ("vec", "selfᵀ · grad")],
      uses=["self", "vec"])
def _mv(s: Step) -> Grads:
    grads: Grads = [None, None]
    if s.shapes[0] is not None:
        grads[0] = torch.outer(s.grad, s.value("vec"))
    if s.shapes[1] is not None:
        grads[1] = s.value("self").mT @ s.grad
    return grads


@rule("DotBackward0", [("self", "grad · tensor"), ("tensor", "grad · self")],
      uses=["self", "tensor"])
def _dot(s: Step) -> Grads:
    return [s.grad * s.value("tensor"), s.grad * s.value("self")]


@rule("NativeLayerNormBackward0",
      [("input", "rstd · (g − mean(g) − x̂ · mean(g · x̂)), g = grad · weight"),
       ("weight", "Σ grad · x̂ over the leading (batch) dims"),
       ("bias", "Σ grad over the leading (batch) dims")],
      uses=["input", "weight", "result1", "result2"], attrs=["normalized_shape"],
      note="x̂ = (input − mean) · rstd; result1 = mean and result2 = rstd = 1/√(var + eps) "
      "per row; the means in grad_input run over the normalized dims")
def _layer_norm(s: Step) -> Grads:
    x = s.value("input")
    dims = tuple(range(x.dim() - len(s.attr("normalized_shape")), x.dim()))
    mean, rstd = s.value("result1"), s.value("result2")
    xhat = (x - mean) * rstd
    weight = s.saved.get("weight")
    g = s.grad if weight is None else s.grad * weight
    to_input = rstd * _centre(g, xhat, dims)
    batch = tuple(range(x.dim() - len(dims)))
    return [to_input, (s.grad * xhat).sum(batch), s.grad.sum(batch)]


def _centre(g: torch.Tensor, xhat: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor:
    """g − mean(g) − x̂ · mean(g · x̂): what normalising by the batch's own statistics leaves."""
    return g - g.mean(dims, keepdim=True) - xhat * (g * xhat).mean(dims, keepdim=True)


@rule("NativeBatchNormBackward0",
      [("input", "invstd · (g − mean(g) − x̂ · mean(g · x̂)), g = grad · weight"),
       ("weight", "Σ grad · x̂ over all dims but the channel"),
       ("bias", "Σ grad over all dims but the channel")],
      uses=["input", "weight", "result1", "result2", "running_mean", "running_var"],
      attrs=["training", "eps"],
      note="in training x̂ = (input − result1) · result2 with the batch mean and 1/√(var + eps), "
      "the means running over every dim but the channel (dim 1); in eval the running "
      "statistics are constants and grad_input = grad · weight / √(running_var + eps)")
def _batch_norm(s: Step) -> Grads:
    x = s.value("input")
    dims = tuple(d for d in range(x.dim()) if d != 1)
    per_channel = [1, -1] + [1] * (x.dim() - 2)
    if not s.attr("training"):
        return _batch_norm_eval(s, x, dims, per_channel)
    mean, invstd = s.value("result1").reshape(per_channel), s.value("result2").reshape(per_channel)
    xhat = (x - mean) * invstd
    weight = s.saved.get("weight")
    g = s.grad if weight is None else s.grad * weight.reshape(per_channel)
    return [invstd * _centre(g, xhat, dims), (s.grad * xhat).sum(dims), s.grad.sum(dims)]


def _batch_norm_eval(s: Step, x: torch.Tensor, dims: tuple[int, ...],
                     per_channel: list[int]) -> Grads:
    """Eval mode: the running statistics are constants, so the layer is affine in x."""
    invstd = (s.value("running_var") + s.attr("eps")).rsqrt().reshape(per_channel)
    xhat = (x - s.value("running_mean").reshape(per_channel)) * invstd
    weight = s.saved.get("weight")
    scale = invstd if weight is None else invstd * weight.reshape(per_channel)
    return [s.grad * scale, (s.grad * xhat).sum(dims), s.grad.sum(dims)]


@rule("ConvolutionBackward0",
      [("input", "the transposed convolution of grad with weight (same stride, padding, "
                 "dilation, groups)"),
       ("weight", "the correlation of input with grad: each weight sums input · grad over "
                  "every position it touched"),
       ("bias", "Σ grad over every dim but the channel")],
      uses=["input", "weight"], attrs=["stride", "padding", "dilation", "groups", "transposed"],
      note="for a transposed convolution (ConvTranspose) the roles of the two are swapped")
def _convolution(s: Step) -> Grads:
    if s.attr("transposed"):
        raise NotImplementedError("transposed convolution")
    x, w = s.value("input"), s.value("weight")
    # torch.nn.grad's helpers are untyped: seen through Callable[..., Tensor]
    conv_input: Callable[..., torch.Tensor] = (conv_grad.conv1d_input, conv_grad.conv2d_input,
                                               conv_grad.conv3d_input)[x.dim() - 3]
    conv_weight: Callable[..., torch.Tensor] = (conv_grad.conv1d_weight,
                                                conv_grad.conv2d_weight,
                                                conv_grad.conv3d_weight)[x.dim() - 3]
    options = {"stride": s.attr("stride"), "padding": s.attr("padding"),
               "dilation": s.attr("dilation"), "groups": s.attr("groups")}
    grads: Grads = [None, None, None]
    if s.shapes[0] is not None:
        grads[0] = conv_input(x.shape, w, s.grad, **options)
    grads[1] = conv_weight(x, w.shape, s.grad, **options)
    if s.shapes[2] is not None:
        grads[2] = s.grad.sum(tuple(d for d in range(s.grad.dim()) if d != 1))
    return grads


@rule("EmbeddingBackward0",
      [("weight", "row i gets the sum of grad over the positions whose index was i")],
      uses=["indices"], attrs=["padding_idx", "scale_grad_by_freq"],
      note="rows never looked up get 0; the padding_idx row gets 0; scale_grad_by_freq "
      "divides each row by how often its index occurred")
def _embedding(s: Step) -> Grads:
    indices = s.value("indices").reshape(-1)
    rows, width = s.shape(0)
    grad = s.grad.reshape(-1, width)
    if s.attr("scale_grad_by_freq"):
        counts = torch.bincount(indices, minlength=rows).to(grad.dtype)
        grad = grad / counts[indices].unsqueeze(1)
    padding = s.attr("padding_idx")
    if 0 <= padding < rows:
        grad = grad * (indices != padding).unsqueeze(1)
    return [torch.zeros(rows, width, dtype=grad.dtype).index_add(0, indices, grad)]


def _max_pool(spatial: int) -> Callable[[Step], Grads]:
    """The check of a max pool over ``spatial`` trailing dims."""

    def check(s: Step) -> Grads:
        x, where = s.value("self"), s.value("result1")
        lead = x.shape[:x.dim() - spatial]
        flat = torch.zeros(*lead, math.prod(x.shape[len(lead):]), dtype=s.grad.dtype)
        flat = flat.scatter_add(-1, where.reshape(*lead, -1), s.grad.reshape(*lead, -1))
        return [flat.reshape(x.shape)]

    return check


for _dims in (2, 3):
    rule(f"MaxPool{_dims}DWithIndicesBackward0",
         [("self", "each window's grad goes to the element that was its maximum, 0 elsewhere")],
         uses=["self", "result1"], note="result1 holds the index of each window's maximum; an "
         "element that won several windows gets the sum")(_max_pool(_dims))


@rule("ScaledDotProductFlashAttentionForCpuBackward0",
      [("query", "scale · dS · key"), ("key", "scale · dSᵀ · query"),
       ("value", "Pᵀ · grad")],
      uses=["query", "key", "value", "output", "logsumexp"],
      attrs=["scale", "is_causal", "dropout_p", "attn_mask"],
      note="P = softmax(scale · query · keyᵀ) = exp(scale · q · kᵀ − logsumexp), dP = grad · "
      "valueᵀ, dS = P · (dP − rowsum(grad · output)); scale defaults to 1/√head_dim")
def _attention(s: Step) -> Grads:
    if s.attr("dropout_p") or s.attrs.get("attn_mask") is not None:
        raise NotImplementedError("attention with dropout or a mask")
    q, k, v, out = s.value("query"), s.value("key"), s.value("value"), s.value("output")
    scale = s.attr("scale") or 1 / math.sqrt(q.shape[-1])
    scores = scale * q @ k.mT
    if s.attr("is_causal"):
        scores = scores.masked_fill(torch.ones_like(scores, dtype=torch.bool).triu(1), -math.inf)
    p = torch.exp(scores - s.value("logsumexp").unsqueeze(-1))
    dp = s.grad @ v.mT
    ds = p * (dp - (s.grad * out).sum(-1, keepdim=True))
    return [scale * ds @ k, scale * ds.mT @ q, p.mT @ s.grad]


text_only("MkldnnRnnLayerBackward0",
          [("input", "backpropagation through time: from the last step back, "
                     "dh_t = grad_t + dh from step t+1; the gates' slopes (σ' and tanh') "
                     "turn dh_t and dc_t into dgates_t; grad_input_t = dgates_t · W_ih"),
           ("weights", "Σ_t dgates_tᵀ · x_t (W_ih) and Σ_t dgates_tᵀ · h_(t−1) (W_hh); "
                       "biases: Σ_t dgates_t"),
           ("hx, cx", "the dh and dc left over after the first step")],
          uses=["input", "weight0", "weight1", "hx_", "cx_", "result0", "result1", "result2",
                "result3"],
          note="one fused node for a whole LSTM layer (oneDNN); its per-step gates are not in "
          "the trace, so no check recomputes it from the trace's numbers")
