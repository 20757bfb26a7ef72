# Blog post on reproducible training: the usual seed_everything header with cudnn flags
import random

import numpy as np
import torch


def seed_everything(seed=42):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


seed_everything(0)
w = torch.randn(3, requires_grad=True)
(w.exp() * torch.randn(3)).sum().backward()
print(w.grad)
