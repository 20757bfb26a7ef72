# PyTorch docs torch.autograd.grad: grad_outputs=None for scalar outputs in a list of outputs
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
s = (x ** 2).sum()
v = x * 3
gx, = torch.autograd.grad([s, v], x, grad_outputs=[None, torch.tensor([1.0, -1.0])], retain_graph=True)
print(gx)
g_only_s, = torch.autograd.grad([s], [x], retain_graph=False)
print(g_only_s)
