# Blog post on the autograd engine: calling a grad_fn node by hand computes its local backward
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = x * w
s = y.sum()

grad_y = s.grad_fn(torch.tensor(1.0))
print(grad_y)
grad_x, grad_w = y.grad_fn(grad_y)
print(grad_x, grad_w)
print(torch.equal(grad_x, w.detach()), torch.equal(grad_w, x.detach()))
s.backward()
print(x.grad, w.grad)
