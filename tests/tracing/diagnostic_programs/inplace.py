# inplace: sigmoid saved its output for backward, and a later line changed it in place.
import torch

torch.manual_seed(0)
x = torch.randn(3, requires_grad=True)
counts = torch.zeros(3)
counts.add_(1)  # an in-place write too, but nothing saved this tensor
y = torch.sigmoid(x)
y.mul_(2)  # the write autograd's error is about
y.sum().backward()
