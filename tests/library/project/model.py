"""The model half of the two-file project the library tests trace (``train.py`` is the other).

Each op of ``forward`` is on its own line, so a test can find the line a node must carry
by searching this file's text.
"""

from __future__ import annotations

import torch
from torch import nn


class TwoLayer(nn.Module):
    """Linear, tanh, linear: three ops (addmm, tanh, addmm) on three lines."""

    def __init__(self, inputs: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden = self.fc1(x)
        hidden = torch.tanh(hidden)
        out: torch.Tensor = self.fc2(hidden)
        return out
