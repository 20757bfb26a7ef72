# Blog post on second-order optimisation: torch.autograd.functional.hessian over a tuple of parameters
import torch
from torch.autograd.functional import hessian, jacobian

torch.manual_seed(0)
X = torch.randn(10, 2)
y = X @ torch.tensor([1.5, -0.5]) + 0.3


def loss(w, b):
    return ((X @ w + b - y) ** 2).mean()


w0, b0 = torch.zeros(2), torch.zeros(())
H = hessian(loss, (w0, b0))
print(H[0][0])
print(H[0][1], H[1][1])
g = jacobian(loss, (w0, b0))
full = torch.cat([torch.cat([H[0][0], H[0][1].unsqueeze(1)], 1),
                  torch.cat([H[1][0].unsqueeze(0), H[1][1].reshape(1, 1)], 1)])
step = torch.linalg.solve(full, torch.cat([g[0], g[1].reshape(1)]))
w1, b1 = w0 - step[:2], b0 - step[2]
print(w1, b1, f"{loss(w1, b1).item():.6f}")
