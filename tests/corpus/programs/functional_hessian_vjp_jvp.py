# PyTorch docs torch.autograd.functional: hessian, vjp, jvp, hvp, vhp
import torch
from torch.autograd.functional import hessian, vjp, jvp, hvp, vhp


def pow_reducer(x):
    return x.pow(3).sum()


inputs = torch.rand(2, 2)
print(hessian(pow_reducer, inputs).shape)


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = torch.rand(4, 4)
v = torch.ones(4)
out, grads = vjp(exp_reducer, inputs, v)
print(out)
print(grads.sum(dim=1))


def exp_reducer2(x):
    return x.exp().sum(dim=1)


inputs = torch.rand(4, 4)
v = torch.ones(4, 4)
print(jvp(exp_reducer2, inputs, v)[1])

inputs = torch.rand(2, 2)
v = torch.ones(2, 2)
print(hvp(pow_reducer, inputs, v)[1])
print(vhp(pow_reducer, inputs, v)[1])
