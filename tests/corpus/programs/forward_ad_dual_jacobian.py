# PyTorch tutorial: Forward-mode AD, a Jacobian column by column with dual tensors
import torch
import torch.autograd.forward_ad as fwAD


def f(x):
    return torch.stack([x[0] * x[1], x[1].sin(), x.exp().sum()])


x = torch.tensor([0.3, 1.2])
columns = []
with fwAD.dual_level():
    for i in range(2):
        tangent = torch.zeros(2)
        tangent[i] = 1.0
        out = f(fwAD.make_dual(x, tangent))
        unpacked = fwAD.unpack_dual(out)
        columns.append(unpacked.tangent)
        print(i, unpacked.primal, unpacked.tangent)
jac = torch.stack(columns, dim=1)
print(jac)
print(torch.allclose(jac, torch.autograd.functional.jacobian(f, x)))

xr = x.clone().requires_grad_()
f(xr).sum().backward()
print(torch.allclose(xr.grad, jac.sum(0)))
