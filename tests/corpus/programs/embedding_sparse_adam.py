# Blog post on recommendation models: sparse embeddings trained with SparseAdam
import torch
import torch.nn as nn


class MF(nn.Module):
    def __init__(self, n_users, n_items, dim):
        super().__init__()
        self.user = nn.Embedding(n_users, dim, sparse=True)
        self.item = nn.Embedding(n_items, dim, sparse=True)

    def forward(self, u, i):
        return (self.user(u) * self.item(i)).sum(1)


model = MF(5, 7, 3)
optimizer = torch.optim.SparseAdam(list(model.parameters()), lr=0.1)
users = torch.tensor([0, 1, 4])
items = torch.tensor([2, 2, 6])
ratings = torch.tensor([5.0, 3.0, 1.0])
for epoch in range(3):
    optimizer.zero_grad()
    loss = ((model(users, items) - ratings) ** 2).mean()
    loss.backward()
    optimizer.step()
    print(epoch, round(loss.item(), 5))
print(model.user.weight.grad.coalesce().indices())
