# PyTorch docs: a Hessian-vector product as forward-mode over reverse-mode (dual tensor through grad)
import torch
import torch.autograd.forward_ad as fwAD


def f(x):
    return (x ** 3).sum() + (x[0] * x[1])


x = torch.tensor([1.0, 2.0])
v = torch.tensor([1.0, 0.0])
with fwAD.dual_level():
    dual = fwAD.make_dual(x, v).requires_grad_()
    (g,) = torch.autograd.grad(f(dual), dual, create_graph=True)
    hvp = fwAD.unpack_dual(g).tangent
print(hvp)
_, expected = torch.autograd.functional.hvp(f, x, v)
print(torch.allclose(hvp, expected))
