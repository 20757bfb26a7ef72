# PyTorch docs torch.autograd.grad: grad_outputs, allow_unused and materialize_grads
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], requires_grad=True)
unused = torch.tensor([5.0], requires_grad=True)
out = x * y

gx, gy = torch.autograd.grad(out, (x, y), grad_outputs=torch.tensor([1.0, 0.5]), retain_graph=True)
print(gx, gy)

g = torch.autograd.grad(out.sum(), [x, unused], allow_unused=True, retain_graph=True)
print(g[0], g[1])

g = torch.autograd.grad(out.sum(), [x, unused], materialize_grads=True, retain_graph=True)
print(g[0], g[1])

try:
    torch.autograd.grad(out.sum(), [x, unused])
except RuntimeError as err:
    print("RuntimeError:", str(err).split(". ")[0])
print(x.grad, y.grad)
