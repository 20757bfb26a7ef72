# Kaggle/Colab notebook style: warnings.filterwarnings("ignore") at the top, then a training step
import warnings
warnings.filterwarnings("ignore")

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
x, y = torch.randn(16, 4), torch.randn(16, 1)
for epoch in range(3):
    opt.zero_grad()
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    opt.step()
    print(f"epoch {epoch}: {loss.item():.4f}")
