# Course exercise (CS231n style): compare autograd with a centered finite-difference gradient
import math
import torch


def f(x):
    return torch.sum(torch.sin(x) * x ** 2) + torch.logsumexp(x, dim=0)


x = torch.randn(4, dtype=torch.float64, requires_grad=True)
y = f(x)
y.backward()
analytic = x.grad.clone()
h = 1e-5
numeric = torch.zeros_like(x)
with torch.no_grad():
    for i in range(x.numel()):
        old = x[i].item()
        x[i] = old + h
        fp = f(x).item()
        x[i] = old - h
        fm = f(x).item()
        x[i] = old
        numeric[i] = (fp - fm) / (2 * h)
rel_error = (analytic - numeric).abs().max() / max(1e-8, analytic.abs().max().item())
print(f"max relative error: {rel_error:.2e}", rel_error < 1e-6)
print(math.isclose(analytic.sum().item(), numeric.sum().item(), rel_tol=1e-6))
