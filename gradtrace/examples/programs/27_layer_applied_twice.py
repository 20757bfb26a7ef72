# mypy: ignore-errors
"""Title: One layer applied twice (shared weights)
Topic: Models

Calling the same nn.Linear twice builds new nodes on every call: the graph draws each call in
a box of its own ("block #1 of 2", "block #2 of 2"), and the inspector names the call a node
came from. Both calls read the same weight and bias leaves, so during backward the two edges
leaving block.weight each carry the gradient of one call, and the weight's AccumulateGrad
receives their sum: .grad is the gradient through the first call plus the gradient through
the second.
"""

import torch
import torch.nn as nn

block = nn.Linear(3, 3)
x = torch.randn(2, 3)
hidden = torch.tanh(block(x))  # first call
out = block(hidden)  # second call: the same weight, new nodes
loss = out.pow(2).mean()
loss.backward()
print("block.weight.grad:", block.weight.grad)
