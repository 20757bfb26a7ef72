# Forum FAQ: computing a loss under torch.no_grad() and then calling backward()
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    loss = (w * w).sum()
print(loss.requires_grad, loss.grad_fn)
loss.backward()
