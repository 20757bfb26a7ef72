# Older tutorial code: F.softmax without dim (UserWarning "Implicit dimension choice") and old weight_norm
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
logits = torch.randn(2, 3, requires_grad=True)
probs = F.softmax(logits)
print(probs.sum(dim=1))
probs[:, 0].sum().backward()
print(logits.grad)
layer = nn.utils.weight_norm(nn.Linear(3, 2))
print(sorted(name for name, _ in layer.named_parameters()))
layer(torch.randn(1, 3)).sum().backward()
print(layer.weight_g.grad.shape, layer.weight_v.grad.shape)
