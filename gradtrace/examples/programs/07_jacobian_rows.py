# mypy: ignore-errors
"""Title: Jacobian rows with one-hot grad_outputs
Topic: Vector-Jacobian products (the `gradient` argument)

A function with two outputs has a Jacobian with two rows. grad_outputs = ones gives the sum of
the rows; a one-hot grad_outputs (zeros with entry i set to 1) picks row i. The graph is built
once and differentiated three times with retain_graph=True; the timeline shows three separate
calls. The sum of the two rows equals the all-ones result.
"""

import torch

x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
weight = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
y = weight @ torch.sin(x)
row0 = torch.autograd.grad(y, x, grad_outputs=torch.tensor([1.0, 0.0]), retain_graph=True)[0]
row1 = torch.autograd.grad(y, x, grad_outputs=torch.tensor([0.0, 1.0]), retain_graph=True)[0]
all_ones = torch.autograd.grad(y, x, grad_outputs=torch.ones(2))[0]
print("row 0:", row0)
print("row 1:", row1)
print("row 0 + row 1:", row0 + row1)
print("ones:", all_ones)
