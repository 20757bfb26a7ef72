# PyTorch docs nn.EmbeddingBag (offsets, mode="mean") and F.one_hot @ weight as an embedding lookup
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
bag = nn.EmbeddingBag(10, 3, mode="mean")
input = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
offsets = torch.tensor([0, 4])
out = bag(input, offsets)
print(out.shape)
out.sum().backward()
print(bag.weight.grad[4], bag.weight.grad[0])

emb = nn.Embedding(10, 3)
ids = torch.tensor([2, 7, 2])
one_hot = F.one_hot(ids, num_classes=10).float()
via_matmul = one_hot @ emb.weight
print(torch.allclose(via_matmul, emb(ids)))
via_matmul.sum().backward()
print(emb.weight.grad[2], emb.weight.grad.sum(dim=1).nonzero().flatten())
