# mypy: ignore-errors
# ruff: noqa: N812
"""Title: Training steps with an optimizer
Topic: Models

The training loop every model uses: zero_grad() clears the old gradients (otherwise they would
accumulate), the forward pass builds a fresh graph, backward() fills weight.grad and bias.grad,
and step() moves the parameters against the gradient. Three steps of SGD on a linear model show
three backward calls in the timeline and a loss that goes down.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

model = nn.Linear(2, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
inputs = torch.tensor([[1.0, 2.0], [2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
targets = torch.tensor([[5.0], [2.0], [3.0], [4.0]])
for step in range(3):
    optimizer.zero_grad()
    prediction = model(inputs)
    loss = F.mse_loss(prediction, targets)
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.4f}")
