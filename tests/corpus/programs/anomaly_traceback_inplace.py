# PyTorch docs detect_anomaly: the forward traceback shown for an in-place error in backward
import torch

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
with torch.autograd.detect_anomaly():
    b = a.exp()
    c = b * 2
    b.add_(1)  # in-place write
    c.sum().backward()
