# PyTorch docs "Extending autograd": a Function with jvp, used under forward-mode AD and reverse mode
import torch
import torch.autograd.forward_ad as fwAD


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * 3 * x ** 2

    @staticmethod
    def jvp(ctx, x_t):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * x_t


x = torch.tensor([1.0, 2.0])
with fwAD.dual_level():
    out = Cube.apply(fwAD.make_dual(x, torch.ones(2)))
    print(fwAD.unpack_dual(out).tangent)
xr = x.clone().requires_grad_()
y = Cube.apply(xr)
print(y.grad_fn.name())
y.sum().backward()
print(xr.grad)
print(torch.autograd.gradcheck(Cube.apply, (x.double().requires_grad_(),), check_forward_ad=True))
