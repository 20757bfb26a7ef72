"""Rules of views, indexing and joins: the gradient is moved back, never scaled."""

from __future__ import annotations

import torch

from gradtrace.tracing.formulas.core import Grads, Step, rule, sum_to, text_only

__all__: list[str] = []

_VIEWS = ["ViewBackward0", "ReshapeAliasBackward0", "UnsafeViewBackward0", "SqueezeBackward0",
          "SqueezeBackward1", "SqueezeBackward2", "UnsqueezeBackward0"]


@rule(_VIEWS[:3], [("self", "grad reshaped to self's shape")],
      note="a view: the same numbers in a new shape")
def _view(s: Step) -> Grads:
    return [s.grad.reshape(s.shape(0))]


@rule(_VIEWS[3:6], [("self", "grad with the removed size-1 dims put back (reshaped to self)")])
def _squeeze(s: Step) -> Grads:
    return [s.grad.reshape(s.shape(0))]


@rule("UnsqueezeBackward0", [("self", "grad with the added dim removed (squeeze(dim))")],
      attrs=["dim"])
def _unsqueeze(s: Step) -> Grads:
    return [s.grad.squeeze(s.attr("dim"))]


@rule("ExpandBackward0", [("self", "grad summed over the broadcast dims, back to self's shape")],
      note="expand copies without copying: each copy's gradient adds up")
def _expand(s: Step) -> Grads:
    return [sum_to(s.grad, s.shape(0))]


@rule("TBackward0", [("self", "gradᵀ")])
def _t(s: Step) -> Grads:
    return [s.grad.t() if s.grad.dim() == 2 else s.grad]


@rule("TransposeBackward0", [("self", "grad with dim0 and dim1 swapped back")],
      attrs=["dim0", "dim1"])
def _transpose(s: Step) -> Grads:
    return [s.grad.transpose(s.attr("dim0"), s.attr("dim1"))]


@rule("PermuteBackward0", [("self", "grad permuted by the inverse of dims")], attrs=["dims"])
def _permute(s: Step) -> Grads:
    dims = [d % s.grad.dim() for d in s.attr("dims")]
    return [s.grad.permute([dims.index(d) for d in range(len(dims))])]


@rule("SelectBackward0", [("self", "zeros of self's shape, with grad at [index] along dim")],
      attrs=["dim", "index"])
def _select(s: Step) -> Grads:
    out = torch.zeros(s.shape(0), dtype=s.grad.dtype)
    out.select(s.attr("dim"), s.attr("index")).copy_(s.grad)
    return [out]


@rule("SliceBackward0",
      [("self", "zeros of self's shape, with grad in [start:end:step] along dim")],
      attrs=["dim", "start", "end", "step"])
def _slice(s: Step) -> Grads:
    out = torch.zeros(s.shape(0), dtype=s.grad.dtype)
    dim = s.attr("dim") % out.dim()
    end = min(s.attr("end"), out.shape[dim])
    place = (slice(None),) * dim + (slice(s.attr("start"), end, s.attr("step")),)
    out[place] = s.grad
    return [out]


@rule("SelectBackwardBackward0", [("grad_output", "grad.select(dim, index)")],
      attrs=["dim", "index"], note="the backward of select's backward (double backward)")
def _select_twice(s: Step) -> Grads:
    return [s.grad.select(s.attr("dim"), s.attr("index"))]


@rule("IndexBackward0", [("self", "zeros of self's shape, with grad added at the indexed "
                                  "places (an index used twice gets the sum)")],
      attrs=["indices"])
def _index(s: Step) -> Grads:
    out = torch.zeros(s.shape(0), dtype=s.grad.dtype)
    return [out.index_put(tuple(s.attr("indices")), s.grad, accumulate=True)]


@rule("GatherBackward0", [("self", "zeros of self's shape, with grad added at the gathered "
                                   "places along dim")], uses=["index"], attrs=["dim"])
def _gather(s: Step) -> Grads:
    out = torch.zeros(s.shape(0), dtype=s.grad.dtype)
    return [out.scatter_add(s.attr("dim"), s.value("index"), s.grad)]


@rule("CatBackward0", [("tensors", "grad cut along dim into pieces of each input's size")],
      attrs=["dim"], note="input k gets the k-th piece")
def _cat(s: Step) -> Grads:
    dim = s.attr("dim")
    grads: Grads = []
    at = 0
    for shape in s.shapes:
        size = 0 if shape is None or len(shape) == 0 else shape[dim % len(shape)]
        grads.append(None if shape is None else s.grad.narrow(dim, at, size))
        at += size
    return grads


@rule("StackBackward0", [("tensors", "grad unstacked along dim: input k gets grad[k] on dim")],
      attrs=["dim"])
def _stack(s: Step) -> Grads:
    return list(s.grad.unbind(s.attr("dim")))


@rule(["SplitBackward0", "UnsafeSplitBackward0", "SplitWithSizesBackward0",
       "UnsafeSplitWithSizesBackward0"],
      [("self", "the pieces' grads joined along dim (a piece with no grad gives zeros)")],
      attrs=["dim"], note="a node with several outputs: grad_outputs holds one per piece")
def _split(s: Step) -> Grads:
    return [_join(s, s.attr("dim"), stacked=False)]


@rule("UnbindBackward0", [("self", "the pieces' grads stacked along dim (zeros where none)")],
      attrs=["dim"])
def _unbind(s: Step) -> Grads:
    return [_join(s, s.attr("dim"), stacked=True)]


def _join(s: Step, dim: int, *, stacked: bool) -> torch.Tensor:
    shape = s.shape(0)
    sizes = s.attrs.get("split_sizes")
    if sizes is None and not stacked:
        size = s.attr("split_size")
        sizes = [min(size, shape[dim] - at) for at in range(0, shape[dim], size)]
    pieces = []
    for k, grad in enumerate(s.grad_outputs):
        if grad is None:
            piece = list(shape)
            if stacked:
                piece.pop(dim)
            elif sizes is not None:
                piece[dim] = sizes[k]
            grad = torch.zeros(piece)
        pieces.append(grad)
    return torch.stack(pieces, dim) if stacked else torch.cat(pieces, dim)


@rule("RepeatBackward0", [("self", "grad summed over the repeated copies")],
      attrs=["repeats"])
def _repeat(s: Step) -> Grads:
    shape = s.shape(0)
    repeats = list(s.attr("repeats"))
    lead = len(repeats) - len(shape)
    grad = s.grad.sum(tuple(range(lead))) if lead else s.grad
    split = []
    for r, n in zip(repeats[lead:], shape, strict=True):
        split += [r, n]
    dims = tuple(range(0, 2 * len(shape), 2))
    return [grad.reshape(split).sum(dims)]


@rule("FlipBackward0", [("self", "grad flipped back along dims")], attrs=["dims"])
def _flip(s: Step) -> Grads:
    return [s.grad.flip(s.attr("dims"))]


@rule("RollBackward0", [("self", "grad rolled back by −shifts along dims")],
      attrs=["shifts", "dims"])
def _roll(s: Step) -> Grads:
    return [s.grad.roll([-k for k in s.attr("shifts")], s.attr("dims"))]


@rule("TrilBackward0", [("self", "grad with the part above the diagonal set to 0")],
      attrs=["diagonal"])
def _tril(s: Step) -> Grads:
    return [s.grad.tril(s.attr("diagonal"))]


@rule("TriuBackward0", [("self", "grad with the part below the diagonal set to 0")],
      attrs=["diagonal"])
def _triu(s: Step) -> Grads:
    return [s.grad.triu(s.attr("diagonal"))]


@rule("ConstantPadNdBackward0", [("self", "grad with the padding cut off")], attrs=["pad"])
def _pad(s: Step) -> Grads:
    pad = list(s.attr("pad"))
    grad = s.grad
    for k in range(0, len(pad), 2):
        dim = grad.dim() - 1 - k // 2
        grad = grad.narrow(dim, pad[k], grad.shape[dim] - pad[k] - pad[k + 1])
    return [grad]


@rule("torch::autograd::CopyBackwards", [("self", "0 (self was overwritten)"),
                                        ("src", "grad, summed to src's shape")])
def _copy(s: Step) -> Grads:
    zero = None if s.shapes[0] is None else torch.zeros(s.shape(0), dtype=s.grad.dtype)
    return [zero, sum_to(s.grad, s.shapes[1])]


@rule("BackwardHookFunctionBackward", [("each input", "grad of the same position")],
      note="the identity nn.Module full backward hooks wrap around a module's inputs/outputs")
def _hook_identity(s: Step) -> Grads:
    return list(s.grad_outputs)


text_only("torch::autograd::CopySlices",
          [("self", "grad with the written region set to 0 (those values were overwritten)"),
           ("src", "grad[region], through the backward of the op that wrote it")],
          note="an in-place write into a view of self (x[1] = y, x[:, :2] += y); the region "
          "is the view's, which the trace does not keep, so no check recomputes it")


@rule("AccumulateGrad", [(".grad", ".grad = incoming (the first time), else .grad += incoming")],
      note="a leaf: the gradient that arrives is stored on the tensor, adding to what is there")
def _accumulate(s: Step) -> Grads:
    return [s.grad if s.previous_grad is None else s.previous_grad + s.grad]
