# PyTorch docs, Autograd for complex numbers: view_as_real / view_as_complex and real losses
import torch

x = torch.randn(3, dtype=torch.cfloat, requires_grad=True)
y = x * (1 + 2j)
r = torch.view_as_real(y)
print(r.shape)
loss = r.pow(2).sum()
loss.backward()
print(x.grad)

pairs = torch.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
z = torch.view_as_complex(pairs)
mag = z.abs().sum()
mag.backward()
print(z, pairs.grad)
w = torch.tensor(1 + 1j, requires_grad=True)
(w * w.conj()).real.backward()
print(w.grad)
