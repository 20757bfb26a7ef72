# Forum FAQ: a leaf Variable that requires grad is being used in an in-place operation
import torch

w = torch.randn(3, requires_grad=True)
loss = (w * 2).sum()
loss.backward()
lr = 0.1
with torch.no_grad():
    w -= lr * w.grad
print(w.requires_grad)
w.grad.zero_()
w -= lr * torch.ones(3)
