# Forum FAQ: Can't call numpy() on Tensor that requires grad
import numpy as np
import torch

w = torch.tensor([0.5, -1.5], requires_grad=True)
arr = np.array([1.0, 2.0])
t = torch.from_numpy(arr).float()
out = (w * t).sum()
out.backward()
print(w.grad.numpy())
print(w.detach().numpy())
print(w.numpy())
