"""The hints that turn PyTorch's error messages into lessons: what happened, what to change.

One table, ``HINTS``, read top to bottom by ``gradtrace.tracing.errors.hint_for``: the first entry
whose pattern is found in the message wins, so a narrower message comes before a wider one
that contains it (the view of a leaf before the leaf). A hint may name parts of the message
(``{name}``), taken from the pattern's named groups, so that it speaks about the learner's
own hook, function or shapes. Each entry has a test that raises the real error
(``tests/tracing/test_hints.py``).

Beside it, ``FIXED_HINTS``: the hint an error gets from what it is rather than from its
message (a timeout, a cap, a refusal, a worker that died). Every hint a trace's ``error``
carries is written in one of the two tables; the sandbox passes its own refusal hints (which
module is importable, why a name is kept out) to the same constructor,
``gradtrace.tracing.errors.error_object``.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

__all__ = ["FIXED_HINTS", "HINTS", "FixedHint", "Hint", "fixed_hint"]

FixedHint = Literal[
    "syntax", "forbidden", "trace_cap", "recording_cap", "timeout", "memory", "name",
    "import", "worker_failed", "worker_died",
]

_MEMORY = "The program asked for more memory than a run may use. Use smaller tensors."

# The hint by situation, when the message has none of its own (``{...}`` from the caller).
FIXED_HINTS: dict[FixedHint, str] = {
    "syntax": "Python could not read the program: check the line for a typo.",
    "forbidden": "Gradtrace runs tutorial-style PyTorch; this construct is not allowed.",
    "trace_cap": "Make the program smaller: it is capped at {limit} {cap}.",
    # your own code (gradtrace.trace(), gradtrace run): a cap stops the recording, not the run
    "recording_cap": "The recording stopped at {limit} {cap}; your code ran on to the end. "
                     "Pass {option}= to record more, or steps= to record fewer steps.",
    "timeout": "Look for a loop that never ends, or make the tensors smaller.",
    "memory": _MEMORY,
    "name": "A name is used before it is assigned, or it is misspelt.",
    "import": "Check the spelling of the module, and of each name imported from it.",
    "worker_failed": "The worker failed outside the program; please report it.",
    "worker_died": "Something in the program crashed the process; the server is fine. "
                   "Simplify the program to find the call that crashes.",
}


def fixed_hint(situation: FixedHint, **fields: object) -> str:
    """The table's hint for ``situation``, with the caller's ``fields`` filled in."""
    return FIXED_HINTS[situation].format(**fields)


class Hint(NamedTuple):
    """One row of the table: a name for tests, the message pattern and the hint text."""

    name: str
    pattern: re.Pattern[str]
    text: str


def _hint(name: str, pattern: str, text: str) -> Hint:
    return Hint(name, re.compile(pattern), text)


HINTS: tuple[Hint, ...] = (
    # --- autograd: the graph and backward() ---
    _hint("second_backward", r"backward through the graph a second time",
          "backward() frees the values the graph saved, so the same graph cannot be walked "
          "again. Pass retain_graph=True to the first backward() (or autograd.grad) if you "
          "need it twice, or run the forward pass again to build a new graph."),
    _hint("inplace_saved", r"modified by an inplace operation",
          "Autograd saved this tensor to compute gradients, and it was changed in place "
          "afterwards (by a method ending in _ such as add_, x[...] = ..., x += ..., or "
          "inplace=True). Write the out-of-place form (x = x * 2), or change a .clone()."),
    _hint("no_grad_fn", r"does not require grad and does not have a grad_fn",
          "This result does not depend on any tensor with requires_grad=True, so there is "
          "no graph to go back through. Create the input with requires_grad=True; check for "
          "torch.no_grad(), .detach(), .item() or integer ops (argmax) on the way."),
    _hint("implicit_scalar", r"grad can be implicitly created only for (?:real )?scalar",
          "backward() without an argument needs a scalar, one real number. Reduce the output "
          "first, y.sum().backward(), or pass a gradient of y's shape: "
          "y.backward(torch.ones_like(y))."),
    _hint("grad_shape", r"Mismatch in shape",
          "The gradient you passed to backward() (or as grad_outputs) must have the same "
          "shape as the output it belongs to."),
    _hint("unused_input", r"appears to not have been used in the graph",
          "One of the tensors you asked autograd.grad about does not take part in computing "
          "the outputs. Pass allow_unused=True to get None for it, or check your computation "
          "really uses it."),
    _hint("integer_leaf", r"(?i)only Tensors of floating point",
          "Only float (or complex) tensors can require grad: integers have no gradient. "
          "Write the numbers as floats, torch.tensor([1.0, 2.0], requires_grad=True), or "
          "pass dtype=torch.float32."),
    _hint("view_leaf_inplace", r"a view of a leaf Variable that requires grad is being used",
          "You wrote into part of a leaf that requires grad (x[0] = ..., or an in-place op "
          "on a slice of it). Do it inside `with torch.no_grad():` if it is an update, or "
          "build a new tensor (torch.cat, torch.where, or a .clone() of the leaf)."),
    _hint("leaf_inplace", r"a leaf Variable that requires grad is being used in an in-place",
          "A leaf that requires grad cannot be changed in place while autograd records. "
          "Update it inside `with torch.no_grad():` (as optimizers do), or write "
          "x = x + 1 to make a new tensor."),
    _hint("nonleaf_flag", r"you can only change requires_grad flags of leaf variables",
          "This tensor was computed from others, so its requires_grad comes from them and "
          "cannot be set. To stop gradients here, use y.detach(); to get a gradient for it, "
          "use y.retain_grad()."),
    _hint("hook_no_grad", r"cannot register a hook on a tensor that doesn't require gradient",
          "A hook runs when a gradient arrives, and this tensor never gets one. Register "
          "it on a tensor with requires_grad=True (or one computed from such a tensor)."),
    _hint("retain_no_grad", r"can't retain_grad on Tensor that has requires_grad=False",
          "This tensor never gets a gradient, so there is nothing to keep. retain_grad() "
          "and backward(inputs=[...]) take only tensors that require grad (or are "
          "computed from one that does)."),
    _hint("grad_of_no_grad", r"differentiated Tensors does not require grad|of the input "
          r"tensors does not require grad",
          "autograd.grad can only give gradients for tensors with requires_grad=True. "
          "Set it on that input before computing the outputs from it."),
    _hint("not_differentiable_arg", r"is not differentiable with respect to argument "
          r"'(?P<arg>\w+)'",
          "PyTorch computes no gradient for {arg} of this function, so it must not require "
          "grad. Pass {arg}.detach()."),
    _hint("detach_view", r"Can't detach views in-place",
          "detach_() cannot change a view. Write y = y.detach() instead."),
    _hint("hook_size", r"hook '(?P<hook>[^']*)' has changed the size of value",
          "Your hook {hook} returned a gradient of another shape than the one it got. A "
          "tensor hook may change the values, not the shape: return a tensor shaped like "
          "its argument (or None to keep it)."),
    _hint("hook_type", r"hook '(?P<hook>[^']*)' has changed the type of value",
          "Your hook {hook} returned a gradient of another dtype than the one it got. "
          "Return a tensor of the same dtype, e.g. new_grad.to(grad.dtype)."),
    _hint("leaf_interior", r"leaf variable has been moved into the graph interior",
          "A leaf that an earlier graph uses was later changed by an in-place op that "
          "autograd recorded, so it is no longer a leaf. Do not write into it in place "
          "between building that graph and calling backward(); use a new tensor instead."),
    _hint("anomaly_nan", r"Function '(?P<fn>\w+)' returned nan values in its (?P<n>\w+) output",
          "A gradient first became NaN in {fn}, the backward of one forward op: its input "
          "is likely where the derivative is infinite or undefined (sqrt or log of 0, 0/0). "
          "Add a small epsilon (torch.sqrt(x + 1e-8)) or clamp the input."),
    # --- custom autograd.Function ---
    _hint("function_count",
          r"function (?P<fn>\w+) returned an incorrect number of gradients "
          r"\(expected (?P<want>\d+), got (?P<got>\d+)\)",
          "backward of {fn} must return one gradient per argument of forward ({want} here, "
          "it returned {got}), in the same order. Return None for an argument that needs "
          "no gradient."),
    _hint("function_shape",
          r"Function (?P<fn>\w+) returned an invalid gradient at index (?P<index>\d+) - "
          r"got \[(?P<got>[^\]]*)\] but expected shape compatible with \[(?P<want>[^\]]*)\]",
          "backward of {fn} returned a gradient of shape [{got}] at index {index} (0 is "
          "forward's first argument); it must have that argument's shape, [{want}]."),
    _hint("once_differentiable", r"differentiate twice a function that was marked with "
          r"@once_differentiable",
          "A custom Function marked @once_differentiable cannot be differentiated again, "
          "and create_graph=True (or a second grad) asked for that. Remove the decorator "
          "and write backward with differentiable torch ops."),
    _hint("no_double_backward", r"the derivative for '(?P<op>[^']*)' is not implemented",
          "PyTorch has no formula for this derivative ({op}): usually a second derivative "
          "(create_graph=True) of an op that only has a first one. Differentiate once, or "
          "write the computation with other ops."),
    _hint("function_extra_grad", r"returned a gradient different than None at position "
          r"(?P<pos>\d+), but the corresponding forward input was not a Variable",
          "Forward's argument number {pos} is not a tensor, so backward must return None "
          "in that place (one entry per forward argument, in order)."),
    _hint("save_non_tensor", r"save_for_backward can only save variables",
          "ctx.save_for_backward takes tensors only. Keep other values as attributes: "
          "ctx.n = n in forward, then read ctx.n in backward."),
    _hint("function_no_backward", r"You must implement either the backward or vjp method",
          "Your autograd.Function has no backward. Add a @staticmethod "
          "backward(ctx, grad_output) returning one gradient per forward argument."),
    _hint("function_legacy", r"Legacy autograd function with non-static forward method",
          "Write forward and backward as @staticmethod taking ctx first, and call the "
          "Function with MyFunction.apply(x), not MyFunction()(x)."),
    # --- torch.func and forward-mode AD ---
    _hint("func_scalar", r"Expected f\(\*args\) to return a scalar Tensor",
          "torch.func.grad(f) needs f to return one number. Reduce inside f (.sum()), or "
          "use torch.func.jacrev / vjp for an output with several values."),
    _hint("func_aux", r"Expected f\(\*args\) to return a Tensor, got",
          "f must return the value to differentiate. To return more, return (value, extra) "
          "and pass has_aux=True."),
    _hint("vmap_per_sample", r"vmap: It looks like you're (?:calling \.item\(\)|attempting "
          r"to use a Tensor in some data-dependent control flow)",
          "Inside vmap, f sees the whole batch at once, so a value cannot decide an `if` or "
          "become a Python number. Write it with tensor ops: torch.where(cond, a, b)."),
    _hint("vmap_sizes", r"vmap: Expected all tensors to have the same size in the mapped",
          "vmap maps dimension 0 of every input by default, and their sizes differ. Give "
          "in_dims, with None for an input that is the same for every sample."),
    _hint("func_float", r"All outputs of f must be floating-point or complex",
          "Only float outputs have derivatives: return a float tensor from f (argmax or "
          "comparisons give integers)."),
    _hint("func_backward", r"backward\(\) called inside a functorch transform",
          "Inside torch.func transforms, use torch.func.grad or vjp for gradients instead "
          "of .backward()."),
    _hint("tangent_size", r"forward gradient that has a different size",
          "make_dual(x, tangent) needs a tangent of x's shape (the direction to "
          "differentiate in, one value per element)."),
    _hint("dual_level", r"no level exists, make sure to enter_dual_level",
          "Make dual tensors inside `with torch.autograd.forward_ad.dual_level():`."),
    # --- in-place writes into views, inference mode ---
    _hint("no_grad_view", r"A view was created in no_grad mode and is being modified inplace",
          "The view was made under torch.no_grad() but written into outside it. Put the "
          "slicing and the in-place write in the same block, or .clone() the view first."),
    _hint("multi_view", r"This view is the output of a function that returns multiple views",
          "Outputs of unbind, split or chunk cannot be changed in place. Write "
          "a = a * 2 (a new tensor) instead, or .clone() the piece first."),
    _hint("overlap_write", r"more than one element of the written-to tensor refers to a single",
          "The tensor you write into shares memory between its elements (it comes from "
          "expand() or a broadcast). Call .clone() on it first, or write out of place."),
    _hint("inference_saved", r"Inference tensors cannot be saved for backward",
          "A tensor made under torch.inference_mode() took part in a computation that "
          "needs gradients. Make it under torch.no_grad() instead, or use x.clone()."),
    _hint("inference_write", r"(?:Inplace update to|requires_grad=True on) inference tensor",
          "Tensors made under torch.inference_mode() cannot be changed or require grad "
          "later. Make them under torch.no_grad() instead, or work on x.clone()."),
    # --- shapes ---
    _hint("matmul_shapes", r"shapes cannot be multiplied \((?P<a>\w+) and (?P<b>\w+)\)",
          "A matrix product needs (n x k) @ (k x m): here {a} and {b}, whose inner sizes "
          "differ. For nn.Linear(in, out) the input's last size must be `in`. Print both "
          "shapes (x.shape); .T, .reshape or a different layer size fixes it."),
    _hint("broadcast", r"The size of tensor a \((?P<a>\d+)\) must match the size of tensor "
          r"b \((?P<b>\d+)\) at non-singleton dimension (?P<dim>\d+)",
          "Elementwise ops line shapes up from the right; sizes must be equal or 1. Here "
          "dimension {dim} is {a} on one side and {b} on the other. Print both shapes and "
          "reshape, transpose or unsqueeze one of them."),
    _hint("view_stride", r"view size is not compatible with input tensor's size and stride",
          "view() only works when the memory is laid out in order, and transpose, permute "
          "or slicing changed that. Use .reshape(...) or call .contiguous() before .view()."),
    _hint("bad_shape", r"shape '\[(?P<shape>[^\]]*)\]' is invalid for input of size "
          r"(?P<size>\d+)",
          "The new shape [{shape}] must hold exactly {size} elements. Use -1 for the one "
          "size you want computed, e.g. x.view(-1, n)."),
    _hint("cat_sizes", r"Sizes of tensors must match except in dimension|stack expects each",
          "torch.cat needs equal sizes in every dimension except the one you join along, "
          "and torch.stack needs identical shapes. Print the shapes of the list."),
    _hint("channels", r"expected input\[(?P<got>[^\]]*)\] to have (?P<c>\d+) channels",
          "The layer expects {c} channels in dimension 1 of its input (batch, channels, "
          "height, width), and got an input of shape [{got}]. Check the in_channels "
          "argument or move the channels with .permute(...)."),
    _hint("conv_dims", r"Expected \d+D \(unbatched\) or \d+D \(batched\) input",
          "The layer gets fewer (or more) dimensions than it expects. For one sample, add "
          "the batch dimension with x.unsqueeze(0)."),
    _hint("rnn_size", r"input\.size\(-1\) must be equal to input_size",
          "The input's last dimension must be the layer's input_size: (seq, batch, "
          "features), or (batch, seq, features) with batch_first=True."),
    _hint("batchnorm_one", r"Expected more than 1 value per channel when training",
          "Batch norm in training mode needs more than one sample per batch to compute "
          "statistics. Use a batch of 2 or more, or call model.eval() to use running stats."),
    _hint("index_range", r"index out of range in self|out of bounds for dimension",
          "An index is past the end of the tensor. For nn.Embedding(n, d) every index "
          "must be between 0 and n-1; print the largest index and the size."),
    # --- dtypes ---
    _hint("rnn_dtype", r"RNN input dtype",
          "The input and the layer's weights must have the same dtype: convert one of them "
          "as the message says."),
    _hint("class_target", r"expected target dtype to be Long|expected scalar type Long",
          "Targets of cross_entropy, nll_loss and the margin losses are class indices, an "
          "integer tensor: use target.long(). (Class probabilities instead must be float "
          "and shaped like the input.)"),
    _hint("same_dtype", r"same dtype|expected scalar type \w+ but found|Found dtype \w+ but "
          r"expected|type \(\w+\) and bias type|dtypes match|Expected self\.dtype to be equal"
          r"|mixed dtype",
          "The tensors in this op have different dtypes (often float64 from numpy or "
          "torch.tensor(..., dtype=torch.double) against float32 weights). Convert one: "
          "x.float() (or x.to(w.dtype)), or use torch.float32 throughout."),
    _hint("cast_result", r"result type (?P<got>\w+) can't be cast to the desired output type",
          "The result is {got} but would be stored in an integer tensor. Make the target or "
          "output float: target.float()."),
    _hint("index_dtype", r"one of the following scalar types: Long, Int|tensors used as "
          r"indices must be long|Expected dtype int32/int64 for index|only applicable to "
          r"index tensor",
          "Indices must be an integer tensor (torch.long). Convert them with idx.long()."),
    _hint("integer_math", r"not implemented for '(?:Long|Int|Bool|Byte)'",
          "This op works on floating point tensors only. Convert first: x.float()."),
    # --- losses ---
    _hint("multi_target", r"0D or 1D target tensor expected, multi-target not supported",
          "cross_entropy / nll_loss take one class index per sample, a 1-D target of "
          "shape (batch,). Use target.squeeze(1) for shape (batch, 1), or "
          "target.argmax(dim=1) for one-hot targets."),
    _hint("batch_size", r"Expected input batch_size \((?P<a>\d+)\) to match target "
          r"batch_size \((?P<b>\d+)\)",
          "The input has {a} samples and the target {b}: they must be equal. Check the "
          "reshapes (a view(-1, ...) with the wrong size is a common cause)."),
    _hint("target_range", r"Target -?\d+ is out of bounds",
          "A class index must be between 0 and the number of classes - 1 (the size of "
          "the input's last dimension)."),
    _hint("bce_range", r"all elements of input should be between 0 and 1",
          "binary_cross_entropy wants probabilities. Apply torch.sigmoid first, or pass "
          "the raw scores to binary_cross_entropy_with_logits (nn.BCEWithLogitsLoss)."),
    _hint("target_size", r"Using a target size .* that is different to the input size",
          "The target must have the input's shape: reshape one of them (e.g. "
          "target.view_as(output) or output.squeeze(1))."),
    # --- values, modules, optimizers ---
    _hint("bool_tensor", r"Boolean value of Tensor with more than one value is ambiguous",
          "`if`, `and`, `or`, `not` and `while` need one True/False, but this tensor has "
          "several: use (x > 0).all() or .any(), or torch.where(cond, a, b). (Also what "
          "nn.MSELoss(out, y) gives: create the loss, then call it: nn.MSELoss()(out, y).)"),
    _hint("not_a_tensor", r"must be Tensor, not (?P<got>[\w.]+)",
          "This function takes a tensor, and got a {got}. Convert it first: "
          "torch.tensor(data, dtype=torch.float32), or torch.from_numpy(array).float()."),
    _hint("python_number", r"'(?:float|int)' object has no attribute '(?P<attr>\w+)'",
          "This is a Python number, not a tensor, so it has no .{attr}. .item() and float() "
          "leave autograd: keep the tensor (loss.backward()) and use .item() for printing."),
    _hint("tensor_called", r"'Tensor' object is not callable",
          "A tensor is called like a function: often a name that held a layer or a loss "
          "was reused for a tensor (loss = loss(out, y)), or a * is missing: x * (y + 1)."),
    _hint("method_not_called", r"'method' object is not iterable",
          "A method is used without calling it: add the parentheses, model.parameters()."),
    _hint("keyword", r"unexpected keyword argument '(?P<kw>\w+)'",
          "{kw} is not an argument of this function: check its spelling "
          "(requires_grad, dtype, dim, keepdim) in the documentation."),
    _hint("dim_range", r"Dimension out of range \(expected to be in range of "
          r"\[(?P<lo>-?\d+), (?P<hi>-?\d+)\]",
          "dim must be between {lo} and {hi} for this tensor (-1 is the last dimension); "
          "print x.shape to see its dimensions."),
    _hint("t_dims", r"t\(\) expects a tensor with <= 2 dimensions",
          ".t() swaps the two dimensions of a matrix. For more dimensions say which ones: "
          "x.transpose(-2, -1) (or x.mT), or x.permute(...)."),
    _hint("to_scalar", r"cannot be converted to Scalar|only one element tensors can be "
          r"converted",
          ".item() and float() read a single number. Reduce first (x.sum().item()) or use "
          ".tolist() for all the values."),
    _hint("numpy_grad", r"Can't call numpy\(\) on Tensor that requires grad",
          "numpy cannot track gradients. Call .detach() first: x.detach().numpy()."),
    _hint("grad_assign", r"attempting to assign a gradient (?:of size|with dtype)",
          "A .grad you assign must have the tensor's own shape and dtype."),
    _hint("optimize_nonleaf", r"can't optimize a non-leaf Tensor",
          "An optimizer updates leaves, the tensors you created with requires_grad=True "
          "(or model.parameters()), not results computed from them."),
    _hint("no_parameters", r"optimizer got an empty parameter list",
          "The optimizer received no tensors. Pass model.parameters() (on a model whose "
          "layers are attributes) or a list of tensors that require grad."),
    _hint("module_init", r"before Module\.__init__\(\) call",
          "Call super().__init__() first thing in your module's __init__."),
    _hint("parameter_assign", r"as parameter '(?P<name>\w+)' \(torch\.nn\.Parameter or None",
          "{name} is a parameter: assign a torch.nn.Parameter(...), or change it in place "
          "under torch.no_grad() (self.{name}.copy_(...))."),
    _hint("no_forward", r"is missing the required \"forward\" function",
          "Name your module's method forward (check the spelling and indentation)."),
    _hint("no_cuda", r"Torch not compiled with CUDA enabled",
          "Programs run on the CPU here: leave out .cuda() / .to('cuda'), or use "
          "torch.device('cuda' if torch.cuda.is_available() else 'cpu')."),
    _hint("none_value", r"'NoneType'",
          "A value is None. For gradients: x.grad stays None until backward() has run, and "
          "only leaves with requires_grad=True get one (call y.retain_grad() for others)."),
    _hint("no_memory", r"can't allocate memory", _MEMORY),
)
