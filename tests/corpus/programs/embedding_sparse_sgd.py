# PyTorch docs nn.Embedding(sparse=True): sparse gradients with plain SGD
import torch
import torch.nn as nn

emb = nn.Embedding(6, 2, sparse=True)
opt = torch.optim.SGD(emb.parameters(), lr=0.5)
idx = torch.tensor([1, 3, 3])
loss = emb(idx).pow(2).sum()
loss.backward()
print(emb.weight.grad.is_sparse)
print(emb.weight.grad.to_dense())
opt.step()
print(emb.weight[3])
