# PyTorch docs, Autograd mechanics: tensor hooks and in-place modification
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
t = x * 2
seen = []
t.register_hook(lambda g: seen.append(("before", g.tolist())))
t.mul_(3)
t.register_hook(lambda g: seen.append(("after", g.tolist())))
(t * t).sum().backward()
print(seen)
print(x.grad)
