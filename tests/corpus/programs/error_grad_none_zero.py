# Forum FAQ: 'NoneType' object has no attribute 'zero_' (zeroing a grad before any backward)
import torch

w = torch.randn(3, requires_grad=True)
for step in range(2):
    w.grad.zero_()
    loss = (w ** 2).sum()
    loss.backward()
