# Forum FAQ: "one of the variables needed for gradient computation has been modified by an inplace operation"
import torch

x = torch.randn(4, requires_grad=True)
y = torch.sigmoid(x)
y += 1  # in-place write: sigmoid saved its output y for backward
loss = y.sum()
loss.backward()
