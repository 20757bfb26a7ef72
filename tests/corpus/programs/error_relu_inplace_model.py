# Forum FAQ: an inplace ReLU overwriting a tensor that autograd saved inside a model
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        h = torch.exp(self.fc(x))
        out = nn.functional.relu(h, inplace=True)  # in-place write over h, which exp saved
        return out


block = Block()
y = block(torch.randn(2, 3))
y.sum().backward()
