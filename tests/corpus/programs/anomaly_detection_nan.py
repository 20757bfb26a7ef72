# PyTorch docs torch.autograd.detect_anomaly: find the forward op that produced a NaN gradient
import torch

x = torch.tensor([4.0, 0.0], requires_grad=True)
with torch.autograd.detect_anomaly():
    y = x.sqrt()
    z = (y * 0.0).sum()
    print(z)
    z.backward()
