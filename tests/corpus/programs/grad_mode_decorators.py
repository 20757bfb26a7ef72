# PyTorch docs torch.no_grad / torch.enable_grad used as decorators and nested contexts
import torch


@torch.no_grad()
def evaluate(w, x):
    return x @ w


@torch.enable_grad()
def loss_with_grad(w, x):
    return (x @ w).pow(2).mean()


w = torch.randn(3, 2, requires_grad=True)
x = torch.randn(4, 3)
pred = evaluate(w, x)
print(pred.requires_grad)

with torch.no_grad():
    loss = loss_with_grad(w, x)
print(loss.requires_grad)
loss.backward()
print(w.grad.shape, torch.allclose(w.grad, 2 * x.t() @ (x @ w).detach() / 8))

with torch.set_grad_enabled(False):
    with torch.enable_grad():
        inner = w.sum()
    outer = w.sum()
print(inner.requires_grad, outer.requires_grad)
