# Forum answer: a shared trunk with two heads, backward through each head with retain_graph=True
import torch
import torch.nn as nn

torch.manual_seed(3)
trunk = nn.Linear(4, 4)
head_a = nn.Linear(4, 1)
head_b = nn.Linear(4, 1)
x = torch.randn(2, 4)
features = torch.relu(trunk(x))
loss_a = head_a(features).mean()
loss_b = head_b(features).pow(2).mean()

loss_a.backward(retain_graph=True)
grad_after_a = trunk.weight.grad.clone()
loss_b.backward()
grad_after_both = trunk.weight.grad.clone()

trunk.zero_grad()
features = torch.relu(trunk(x))
(head_a(features).mean() + head_b(features).pow(2).mean()).backward()
print(torch.allclose(grad_after_both, trunk.weight.grad))
print((grad_after_both - grad_after_a).abs().sum() > 0)
print(head_a.weight.grad.shape, head_b.bias.grad)
