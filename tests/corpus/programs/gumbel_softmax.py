# PyTorch docs F.gumbel_softmax: hard samples with straight-through gradients
import torch
import torch.nn.functional as F

torch.manual_seed(0)
logits = torch.randn(3, 4, requires_grad=True)
y_soft = F.gumbel_softmax(logits, tau=1.0)
y_hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
print(y_hard)
loss = (y_hard * torch.arange(4.0)).sum() + y_soft.pow(2).sum()
loss.backward()
print(logits.grad)
