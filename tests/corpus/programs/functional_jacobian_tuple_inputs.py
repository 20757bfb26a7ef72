# PyTorch docs torch.autograd.functional.jacobian with several inputs and strategy="forward-mode"
import torch
from torch.autograd.functional import jacobian, vjp, jvp


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


inputs = (torch.rand(2), torch.rand(2))
jx, jy = jacobian(exp_adder, inputs)
print(jx)
print(jy)

jf = jacobian(exp_adder, inputs, vectorize=True, strategy="forward-mode")
print(torch.allclose(jf[0], jx), torch.allclose(jf[1], jy))


def pow_reducer(x):
    return x.pow(3).sum(dim=1)


x = torch.rand(4, 4)
v = torch.ones(4)
out, vjp_out = vjp(pow_reducer, x, v)
print(out.shape, vjp_out.shape)
out2, jvp_out = jvp(pow_reducer, x, torch.ones(4, 4))
print(torch.allclose(out, out2), jvp_out)
