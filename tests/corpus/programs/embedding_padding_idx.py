# PyTorch docs nn.Embedding: padding_idx keeps the padding row at zero and out of the gradient
import torch
import torch.nn as nn

embedding = nn.Embedding(10, 3, padding_idx=0)
print(embedding.weight[0])
input = torch.LongTensor([[0, 2, 0, 5]])
out = embedding(input)
print(out.shape)
out.sum().backward()
print(embedding.weight.grad[0])
print(embedding.weight.grad[2])

padding_idx = 0
embedding = nn.Embedding(3, 3, padding_idx=padding_idx)
with torch.no_grad():
    embedding.weight[padding_idx] = torch.ones(3)
print(embedding.weight)
