"""Test programs that more than one test package runs (the tracer's and the browser's)."""

from __future__ import annotations

__all__ = ["ACCUMULATE_THEN_ZERO", "ZERO_LINE"]

# Two backward calls accumulate into x.grad, the program zeroes it, a third call refills it.
ACCUMULATE_THEN_ZERO = """import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
v = torch.tensor([100.0, 0.1])
y.backward(v, retain_graph=True)
y.backward(v, retain_graph=True)
x.grad.zero_()
y.backward(v)
"""
ZERO_LINE = 7  # the line of x.grad.zero_()
