# PyTorch tutorial "Tensors" (bridge with NumPy): from_numpy shares memory, .detach().numpy() for plots
import numpy as np
import torch

n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")
t2 = torch.ones(5)
n2 = t2.numpy()
t2.add_(1)
print(n2)

xs = np.linspace(-1, 1, 7, dtype=np.float32)
x = torch.tensor(xs, requires_grad=True)
y = torch.tanh(x)
y.sum().backward()
grad_np = x.grad.numpy()
print(np.allclose(grad_np, 1 - np.tanh(xs) ** 2, atol=1e-6))
print(y.detach().numpy().round(3))
print(type(y.detach().cpu().numpy()).__name__, y.detach().numpy().dtype)
arr = torch.as_tensor(np.array([[1.0, 2.0], [3.0, 4.0]]))
print(arr.dtype, arr.double().sum())
