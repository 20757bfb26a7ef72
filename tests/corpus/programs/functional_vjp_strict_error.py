# PyTorch docs torch.autograd.functional.vjp/jvp: strict=True refuses outputs independent of inputs
import torch
from torch.autograd.functional import jvp, vjp


def f(x):
    return x.pow(2).sum(dim=0)


x = torch.ones(3, 2)
v = torch.ones(2)
out, vjp_value = vjp(f, x, v)
print(out, vjp_value)
out, jvp_value = jvp(f, x, torch.ones(3, 2))
print(jvp_value)


def constant(x):
    return torch.ones(2)


try:
    vjp(constant, x, v, strict=True)
except RuntimeError as err:
    print("RuntimeError:", err)
print(vjp(constant, x, v)[1])
