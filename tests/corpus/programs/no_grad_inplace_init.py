# Blog post on weight initialisation: in-place writes under torch.no_grad()
import torch

w = torch.empty(4, 3, requires_grad=True)
with torch.no_grad():
    w.zero_()
    w[0].fill_(1.0)
    w[1:3].normal_(0.0, 0.1)
    w[1:3].mul_(0.5)
    w[:, 2].add_(2.0)
print(w.requires_grad, w.is_leaf)
x = torch.ones(2, 4)
out = (x @ w).sum()
out.backward()
print(w)
print(w.grad)
