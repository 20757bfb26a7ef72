# mypy: ignore-errors
"""Title: Two heads on a shared trunk
Topic: retain_graph and accumulation

A trunk layer feeds two heads with two losses. The first backward() keeps the graph with
retain_graph=True because the second one goes through the same trunk nodes. The heads' weights
each get one contribution, while the trunk's weights receive both: their final .grad is the
gradient of loss1 plus the gradient of loss2, as the two calls in the timeline show.
"""

import torch
import torch.nn as nn

trunk = nn.Linear(3, 4)
head1 = nn.Linear(4, 1)
head2 = nn.Linear(4, 1)
inputs = torch.randn(5, 3)
features = torch.relu(trunk(inputs))
loss1 = head1(features).pow(2).mean()
loss2 = (head2(features) - 1).abs().mean()
loss1.backward(retain_graph=True)
from_head1 = trunk.weight.grad.clone()
loss2.backward()
from_head2 = trunk.weight.grad - from_head1
print("trunk grad from head 1:", from_head1.norm().item())
print("trunk grad from head 2:", from_head2.norm().item())
print("trunk grad total:", trunk.weight.grad.norm().item())
