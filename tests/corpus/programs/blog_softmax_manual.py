# Blog post: softmax + cross entropy by hand vs F.cross_entropy, same gradients
import torch
import torch.nn.functional as F

logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], requires_grad=True)
target = torch.tensor([0, 1])
probs = torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)
manual = -torch.log(probs[torch.arange(2), target]).mean()
manual.backward()
g_manual = logits.grad.clone()
logits.grad.zero_()
builtin = F.cross_entropy(logits, target)
builtin.backward()
print(manual.item(), builtin.item())
print(torch.allclose(g_manual, logits.grad))
print(logits.grad)
