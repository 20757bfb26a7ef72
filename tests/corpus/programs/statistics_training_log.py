# Blog post training log: per-epoch loss statistics with the statistics module and a moving average
import statistics
from collections import deque

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
window = deque(maxlen=3)
x, y = torch.randn(12, 3), torch.randn(12, 1)
for epoch in range(3):
    batch_losses = []
    for xb, yb in zip(x.split(4), y.split(4)):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        batch_losses.append(loss.item())
        window.append(loss.item())
    print(f"epoch {epoch}: mean {statistics.mean(batch_losses):.4f} "
          f"stdev {statistics.stdev(batch_losses):.4f} median {statistics.median(batch_losses):.4f} "
          f"moving {sum(window) / len(window):.4f}")
print(model.weight.grad)
