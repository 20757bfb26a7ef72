# mypy: ignore-errors
"""Title: backward() without an argument needs a scalar
Topic: Leaves, requires_grad and the graph

backward() with no argument seeds the chain with 1.0, which only makes sense for a single
number. The first call, on the scalar total, works and gives x.grad = [2, 2, 2]. The second
call, on the three-element y, fails on purpose: PyTorch says "grad can be implicitly created
only for scalar outputs". Reduce the output first or pass a gradient of y's shape (see the
vector-Jacobian examples).
"""

import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
total = y.sum()
total.backward()
print("x.grad =", x.grad)
y.backward()
