# mypy: ignore-errors
"""Title: The chain rule on a tiny graph
Topic: Leaves, requires_grad and the graph

The smallest complete autograd story. x is a leaf (created with requires_grad=True); every
operation on it records a node: y = x + 2 is an AddBackward0, the two products are
MulBackward0 nodes and the average is a MeanBackward0. backward() on the scalar out seeds the
chain with 1.0 and walks the graph back to the leaf: MeanBackward0 sends 1/4 to every element,
the multiplications turn that into 6(x+2)/4, and x.grad ends up 4.5 everywhere. Step through
the timeline to watch 0.25, 0.75 and 4.5 travel along the edges.
"""

import torch

x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print("out =", out.item())
print("x.grad =", x.grad)
