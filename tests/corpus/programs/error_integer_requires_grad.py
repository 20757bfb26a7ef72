# Forum FAQ: only floating point tensors can require gradients
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
print(x.dtype, x.requires_grad)
counts = torch.tensor([1, 2], requires_grad=True)
print(counts)
