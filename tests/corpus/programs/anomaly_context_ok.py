# PyTorch docs torch.autograd.set_detect_anomaly used as a context manager around one step
import torch
import torch.nn as nn

model = nn.Linear(3, 1)
x = torch.randn(4, 3)
with torch.autograd.set_detect_anomaly(True):
    loss = model(x).pow(2).mean()
    loss.backward()
print(torch.is_anomaly_enabled())
print(model.weight.grad)
