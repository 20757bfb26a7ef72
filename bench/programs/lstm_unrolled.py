# mypy: ignore-errors
"""The gallery's LSTMCell, unrolled over 50 steps: 755 grad_fn nodes with shared weights.

Every step reuses the same four weight leaves, so the graph is a long chain with the weights
fanning into every step: hard for Graphviz ``dot``. The benchmark rewrites the ``STEPS`` line.
"""

import torch
import torch.nn as nn

STEPS = 50
cell = nn.LSTMCell(input_size=3, hidden_size=4)
inputs = torch.randn(STEPS, 1, 3)
h = torch.zeros(1, 4)
c = torch.zeros(1, 4)
for step in range(STEPS):
    h, c = cell(inputs[step], (h, c))
loss = h.sum()
loss.backward()
