# Blog post "computing a Jacobian with autograd": one autograd.grad per output, retain_graph=True
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.stack([x[0] * x[1], x[1] ** 2 + x[2], torch.sin(x[2]) * x[0]])
rows = []
for i in range(y.shape[0]):
    grad_i, = torch.autograd.grad(y[i], x, retain_graph=True)
    rows.append(grad_i)
J = torch.stack(rows)
print(J)
J_api = torch.autograd.functional.jacobian(
    lambda t: torch.stack([t[0] * t[1], t[1] ** 2 + t[2], torch.sin(t[2]) * t[0]]), x.detach())
print(torch.allclose(J, J_api))
