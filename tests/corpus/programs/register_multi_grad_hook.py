# PyTorch docs torch.autograd.graph.register_multi_grad_hook: one hook once all grads are ready
import torch

a = torch.rand(2, 3, requires_grad=True)
b = torch.rand(2, 3, requires_grad=True)
c = a * b
d = a * b
seen = []


def fn(grads):
    seen.append([g is not None for g in grads])


handle = torch.autograd.graph.register_multi_grad_hook((a, b, c, d), fn)
c.sum().backward(retain_graph=True)
print(seen)
handle.remove()
d.sum().backward()
print(len(seen), a.grad.shape)
