# mypy: ignore-errors
"""Title: retain_graph=True and gradient accumulation
Topic: retain_graph and accumulation

With retain_graph=True the graph survives the first backward(), so the same vector-Jacobian
product can run twice. Gradients accumulate into .grad instead of replacing it: [300, 0.3] after
the first call becomes [600, 0.6] after the second. That is why training loops zero the
gradients: after x.grad.zero_() a third call gives [300, 0.3] again. Watch the leaf's .grad grow
in the gradients panel as you step through the three calls, and drop to [0, 0] at the zero_()
step ("Jump to" lists every call and the write).
"""

import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
v = torch.tensor([100.0, 0.1])
y.backward(v, retain_graph=True)
first = x.grad.clone()
y.backward(v, retain_graph=True)
second = x.grad.clone()
x.grad.zero_()
y.backward(v)
print("after call 1:", first)
print("after call 2:", second)
print("after zero_() and call 3:", x.grad)
