# mypy: ignore-errors
"""A chain of OPS multiplications: one MulBackward0 per op, each feeding the next.

Recursive graph walks (torchviz's ``make_dot``) hit Python's recursion limit near 1,000 ops;
the benchmark traces 20,000. The benchmark rewrites the ``OPS`` line.
"""

import torch

OPS = 20000
x = torch.ones(1, requires_grad=True)
y = x
for _ in range(OPS):
    y = y * 1.0001
y.backward()
