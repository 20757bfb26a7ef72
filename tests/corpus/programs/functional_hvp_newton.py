# Blog post: Newton's method with torch.autograd.functional.hessian and hvp for a quadratic
import torch
from torch.autograd.functional import hessian, hvp, jacobian

A = torch.tensor([[3.0, 1.0], [1.0, 2.0]])
b = torch.tensor([1.0, -1.0])


def f(x):
    return 0.5 * x @ A @ x - b @ x


x = torch.zeros(2)
for step in range(3):
    g = jacobian(f, x)
    H = hessian(f, x)
    x = x - torch.linalg.solve(H, g)
    print(step, x, f(x).item())

v = torch.tensor([1.0, 0.0])
value, hv = hvp(f, x, v)
print(value, hv)
print(torch.allclose(hv, A @ v))
H2 = hessian(f, x, create_graph=True)
print(H2.requires_grad)
