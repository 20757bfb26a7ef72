# PyTorch docs, Autograd mechanics: in-place correctness checks (modifying a saved tensor)
import torch

a = torch.randn(3, requires_grad=True)
b = a.sigmoid()
c = b * 3
print(b._version)
b.mul_(2)  # in-place write: sigmoid saved its output b for backward
print(b._version)
c.sum().backward()
b.sum().backward()
