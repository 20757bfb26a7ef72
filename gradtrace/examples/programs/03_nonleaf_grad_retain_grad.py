# mypy: ignore-errors
"""Title: Reading .grad of a non-leaf, and retain_grad()
Topic: Leaves, requires_grad and the graph

backward() fills .grad only on leaves. u = x * 2 is an intermediate result, so u.grad stays
None and PyTorch warns that you are reading the .grad of a tensor that is not a leaf (look in
the console's warnings). v called retain_grad() before the backward pass, so it keeps its
gradient: d loss/dv = 1 for every element. The leaf still gets the full chain rule:
x.grad = 8x = [8, 16, 24].
"""

import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
u = x * 2
v = u * u
v.retain_grad()
loss = v.sum()
loss.backward()
print("u.grad =", u.grad)
print("v.grad =", v.grad)
print("x.grad =", x.grad)
