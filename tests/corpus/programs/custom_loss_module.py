# Blog post: a custom loss as an nn.Module (focal-style weighting) with a backward check
import torch
import torch.nn as nn
import torch.nn.functional as F


class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0):
        super().__init__()
        self.gamma = gamma

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=1)
        logp_t = logp.gather(1, target.unsqueeze(1)).squeeze(1)
        p_t = logp_t.exp()
        return (-(1 - p_t) ** self.gamma * logp_t).mean()


logits = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], requires_grad=True)
target = torch.tensor([1, 0])
criterion = FocalLoss()
loss = criterion(logits, target)
loss.backward()
print(loss)
print(logits.grad)
