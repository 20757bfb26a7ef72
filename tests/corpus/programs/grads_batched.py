# PyTorch docs torch.autograd.grad(is_grads_batched=True): a whole Jacobian in one call
import torch

x = torch.randn(3, requires_grad=True)
y = x.sin() * 2
I_N = torch.eye(3)
jacobian, = torch.autograd.grad(y, x, I_N, is_grads_batched=True)
print(jacobian)
print(torch.allclose(jacobian, torch.diag(2 * x.cos()).detach()))
