# Blog post on non-leaf gradients: retain_grad(), the retains_grad flag, and a hook doing the same
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
h1 = x * 2
h2 = h1 ** 2
h3 = h2.mean()
print(x.retains_grad, h1.retains_grad)
h1.retain_grad()
h2.retain_grad()
print(h1.retains_grad, h2.retains_grad)
captured = {}


def keep(grad):
    captured["h1"] = grad


h1.register_hook(keep)
h3.backward()
print(h1.grad)
print(h2.grad)
print(torch.equal(captured["h1"], h1.grad))
print(x.grad)
