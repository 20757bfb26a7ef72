# Blog post on .grad: it can be set by hand, backward accumulates into it, None resets it
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
w.grad = torch.tensor([10.0, 10.0])
(w * 3).sum().backward()
print(w.grad)
w.grad.zero_()
(w ** 2).sum().backward()
print(w.grad)
w.grad = None
(w * w * w).sum().backward()
print(w.grad)
g = w.grad
(w * 1).sum().backward()
print(g is w.grad, g)
