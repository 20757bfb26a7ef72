# PyTorch docs torch.utils.checkpoint: trade compute for memory in one block
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin1 = nn.Linear(4, 4)
        self.lin2 = nn.Linear(4, 4)

    def forward(self, x):
        return self.lin2(torch.relu(self.lin1(x)))


block = Block()
head = nn.Linear(4, 1)
x = torch.randn(3, 4, requires_grad=True)
h = checkpoint(block, x, use_reentrant=False)
loss = head(h).sum()
loss.backward()
print(x.grad)
print(block.lin1.weight.grad.norm())
