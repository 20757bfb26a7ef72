# Blog post on torch.autograd.grad: the gradient with respect to an intermediate (non-leaf) tensor
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h = x.exp()
loss = (h * h).sum() + x.sum()
(dh,) = torch.autograd.grad(loss, h, retain_graph=True)
print(dh, torch.allclose(dh, 2 * h.detach()))
dh2, dx = torch.autograd.grad(loss, [h, x], retain_graph=True)
print(torch.equal(dh, dh2), dx)
loss.backward()
print(torch.allclose(x.grad, dx), h.grad is None if not h.retains_grad else h.grad)
