# Forum FAQ: in-place write into an expanded tensor (several elements share one memory location)
import torch

base = torch.tensor([[1.0], [2.0]], requires_grad=True)
e = base.expand(2, 3)
print(e.shape, e.stride())
y = e * 1.0
y.add_(1.0)
print(y)
e2 = base.detach().expand(2, 3)
e2.add_(1.0)
