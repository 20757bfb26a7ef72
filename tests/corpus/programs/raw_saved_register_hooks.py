# PyTorch docs, Autograd mechanics: hooks on one saved tensor via grad_fn._raw_saved_self
import torch

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
events = []


def pack(t):
    events.append("pack")
    return t


def unpack(t):
    events.append("unpack")
    return t


y.grad_fn._raw_saved_self.register_hooks(pack, unpack)
print(events)
print(torch.equal(y.grad_fn._saved_self, x))
print(events)
y.sum().backward()
print(events)
print(torch.allclose(x.grad, 2 * x.detach()))
