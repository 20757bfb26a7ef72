# mypy: ignore-errors
"""Title: Backward through the graph a second time
Topic: retain_graph and accumulation

x * x saves x for the backward pass (the derivative of x² needs x). The first backward() uses
the saved tensors and then frees them to save memory, so x.grad = 2x = [2, 4]. The second
backward() on the same graph fails on purpose with "Trying to backward through the graph a
second time": pass retain_graph=True to the first call, or run the forward again.
"""

import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
s = (x * x).sum()
s.backward()
print("x.grad =", x.grad)
s.backward()
