# PyTorch docs torch.autograd.grad: several inputs, allow_unused and materialize_grads
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], requires_grad=True)
u = torch.tensor(5.0, requires_grad=True)
out = (x * y).sum()
gx, gy, gu = torch.autograd.grad(out, [x, y, u], allow_unused=True, retain_graph=True)
print(gx, gy, gu)
gx2, gu2 = torch.autograd.grad(out, [x, u], materialize_grads=True)
print(gx2, gu2)
print(x.grad is None)
