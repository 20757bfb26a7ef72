# Blog post on memory-saving custom Functions: backward recomputes forward and calls autograd.grad
import torch


class Recompute(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        with torch.no_grad():
            return torch.tanh(x @ w)

    @staticmethod
    def backward(ctx, grad_out):
        x, w = ctx.saved_tensors
        with torch.enable_grad():
            x_ = x.detach().requires_grad_()
            w_ = w.detach().requires_grad_()
            out = torch.tanh(x_ @ w_)
            gx, gw = torch.autograd.grad(out, (x_, w_), grad_out)
        return gx, gw


x = torch.randn(2, 3, requires_grad=True)
w = torch.randn(3, 2, requires_grad=True)
y = Recompute.apply(x, w)
print(y.grad_fn.name())
y.sum().backward()
gx, gw = x.grad.clone(), w.grad.clone()
x.grad = None
w.grad = None
torch.tanh(x @ w).sum().backward()
print(torch.allclose(gx, x.grad), torch.allclose(gw, w.grad))
