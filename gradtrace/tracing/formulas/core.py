"""The rule table's building blocks: a rule (text per input beside its check) and a step.

A rule is what PyTorch's ``tools/autograd/derivatives.yaml`` keeps per op, said for a reader:
for each input of the node, the gradient that input gets, in plain math. Beside the text
sits a check: a small function that computes the same gradients with torch from one
backward step's own numbers (the node's saved tensors, its forward value, the values on
its input edges and the incoming gradient). Tests run the check on a trace and compare it
with the edge gradients PyTorch computed, so the text cannot drift from what autograd does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

__all__ = ["RULES", "Grads", "Rule", "Step", "rule", "sum_to", "text_only"]

Grads = list[torch.Tensor | None]


@dataclass(frozen=True)
class Step:
    """One backward visit of one node, as the trace records it.

    ``attrs`` holds the op's non-tensor settings (``dim``, ``exponent``, ``stride``...): the
    ``_saved_*`` attributes of the grad_fn that are numbers or tuples. Format 5 keeps only
    its tensors, so whoever builds a step supplies them (the tests read them from the
    plain run's grad_fn); a check that needs one it was not given raises KeyError.
    """

    grad_outputs: list[torch.Tensor | None]
    saved: dict[str, torch.Tensor]
    inputs: list[torch.Tensor | None]  # forward value at the other end of each input edge
    shapes: list[tuple[int, ...] | None]  # shape of each input (None: no edge)
    result: torch.Tensor | None = None  # the node's forward value
    attrs: dict[str, Any] = field(default_factory=dict)
    previous_grad: torch.Tensor | None = None  # AccumulateGrad: the leaf's .grad before

    @property
    def grad(self) -> torch.Tensor:
        """The incoming gradient (of the node's first output)."""
        grad = self.grad_outputs[0]
        if grad is None:
            raise KeyError("no incoming gradient")
        return grad

    def attr(self, name: str) -> Any:
        """A non-tensor setting of the op; KeyError when the step was not given it."""
        return self.attrs[name]

    def shape(self, index: int) -> tuple[int, ...]:
        """The shape of input ``index`` (KeyError when the input has no edge)."""
        shape = self.shapes[index]
        if shape is None:
            raise KeyError(f"input {index} has no edge")
        return shape

    def value(self, name: str) -> torch.Tensor:
        """A saved tensor by name, else the node's value when ``name`` is ``result``."""
        if name in self.saved:
            return self.saved[name]
        if name == "result" and self.result is not None:
            return self.result
        raise KeyError(f"saved tensor {name!r} is not in the trace")


@dataclass(frozen=True)
class Rule:
    """The backward rule of one op: per input, its gradient in words and as a check.

    Attributes:
        op: the grad_fn name (``MulBackward0``), as the trace's nodes name it.
        texts: (input name, formula) per input of the node, in ``inputs`` order.
        uses: the saved tensors and values the formula reads (``result`` is the output).
        attrs: the op's non-tensor settings the formula reads (``dim``, ``exponent``).
        note: what the formula leaves implicit (broadcasting, reductions, ties).
        check: computes the gradient of every input from a step (None where impractical).
    """

    op: str
    texts: tuple[tuple[str, str], ...]
    uses: tuple[str, ...] = ()
    attrs: tuple[str, ...] = ()
    note: str = ""
    check: Callable[[Step], Grads] | None = None

    @property
    def text(self) -> str:
        """The whole rule as one text: one ``grad_<input> = ...`` line per input."""
        lines = [f"grad_{name} = {formula}" if name != ".grad" else formula
                 for name, formula in self.texts]
        return "\n".join(lines + ([self.note] if self.note else []))


RULES: dict[str, Rule] = {}


def rule(ops: str | Sequence[str], texts: Sequence[tuple[str, str]], *, uses: Sequence[str] = (),
         attrs: Sequence[str] = (), note: str = "",
         checked: bool = True) -> Callable[[Callable[[Step], Grads]], Callable[[Step], Grads]]:
    """Register the function below as the check of ``ops``, with its text beside it."""
    names = [ops] if isinstance(ops, str) else list(ops)

    def register(check: Callable[[Step], Grads]) -> Callable[[Step], Grads]:
        for op in names:
            if op in RULES:
                raise ValueError(f"two rules for {op}")
            RULES[op] = Rule(op, tuple(texts), tuple(uses), tuple(attrs), note,
                             check if checked else None)
        return check

    return register


def text_only(ops: str | Sequence[str], texts: Sequence[tuple[str, str]], *,
              uses: Sequence[str] = (), attrs: Sequence[str] = (), note: str = "") -> None:
    """Register a rule whose check is impractical (the note says why)."""
    rule(ops, texts, uses=uses, attrs=attrs, note=note, checked=False)(_no_check)


def _no_check(step: Step) -> Grads:
    raise NotImplementedError


def sum_to(grad: torch.Tensor | None, shape: tuple[int, ...] | None) -> torch.Tensor | None:
    """``grad`` summed over the dimensions broadcasting added or stretched, to ``shape``."""
    if grad is None or shape is None:
        return None
    extra = grad.dim() - len(shape)
    if extra > 0:
        grad = grad.sum(dim=tuple(range(extra)))
    stretched = tuple(d for d, n in enumerate(shape) if n == 1 and grad.shape[d] != 1)
    if stretched:
        grad = grad.sum(dim=stretched, keepdim=True)
    return grad
