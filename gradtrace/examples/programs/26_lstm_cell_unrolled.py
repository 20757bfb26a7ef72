# mypy: ignore-errors
"""Title: An LSTMCell unrolled over time
Topic: Models

A recurrent network is an ordinary graph once unrolled: every step calls the same LSTMCell, so
the same weight leaves feed every step and their .grad sums the contributions of all six steps
(backpropagation through time). The hidden state h and cell state c are passed from step to
step, which is why the graph is a long chain with the weights fanning out into it.
"""

import torch
import torch.nn as nn

cell = nn.LSTMCell(input_size=3, hidden_size=4)
inputs = torch.randn(6, 1, 3)
h = torch.zeros(1, 4)
c = torch.zeros(1, 4)
for step in range(6):
    h, c = cell(inputs[step], (h, c))
loss = h.sum()
loss.backward()
print("weight_ih.grad norm:", cell.weight_ih.grad.norm().item())
