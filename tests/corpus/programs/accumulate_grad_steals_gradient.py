# Engine behaviour: AccumulateGrad stores the incoming gradient itself when it can, then adds in place
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
seen = []
x.register_hook(lambda g: seen.append(g) or None)
(x * 2).sum().backward()
print(seen[0] is x.grad, x.grad)
first = x.grad
(x * 3).sum().backward()
print(x.grad is first, first)

w = torch.randn(4, 3).t().requires_grad_()
(w * 2).sum().backward()
print(w.is_contiguous(), w.grad.is_contiguous(), w.grad.stride() == w.stride())
