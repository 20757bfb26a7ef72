# Blog post on reproducibility: torch.manual_seed, a torch.Generator, random and numpy seeds
import random
import numpy as np
import torch


def set_seed(seed: int = 42) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


set_seed(0)
a = torch.randn(3)
set_seed(0)
b = torch.randn(3)
print(torch.equal(a, b))
g = torch.Generator().manual_seed(123)
c = torch.rand(2, generator=g)
g.manual_seed(123)
d = torch.rand(2, generator=g)
print(torch.equal(c, d))
perm = torch.randperm(5)
print(perm.sort().values.tolist())
print(random.random() < 1.0, np.random.rand(2).shape)
w = torch.randn(4, requires_grad=True, generator=torch.Generator().manual_seed(7))
(w * torch.randn(4)).sum().backward()
print(w.grad.shape, torch.initial_seed() == 42)
