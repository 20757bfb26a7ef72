# PyTorch docs torch.special: differentiable special functions
import torch

x = torch.tensor([0.1, 0.5, 0.9], requires_grad=True)
y = torch.special.logit(x) + torch.special.erf(x) + torch.special.expit(x) + torch.special.xlogy(x, x)
y.sum().backward()
print(y)
print(x.grad)
z = torch.tensor([1.5, 2.5], requires_grad=True)
torch.special.gammaln(z).sum().backward()
print(z.grad, torch.special.digamma(z.detach()))
