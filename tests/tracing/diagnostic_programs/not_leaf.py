# grad_none (not a leaf): backward() fills .grad only for leaves.
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3  # y is computed from x: not a leaf
z = (y ** 2).sum()
z.backward()
print(x.grad)
print(y.grad)  # None: call y.retain_grad() before backward() to keep it
