# Forum answer: y = x.clone(); y[y < 0] = 0 is differentiable (CopySlices); writing into b again after b[:, 0] ** 2 saved it trips the version check
import torch

x = torch.tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
y = x.clone()
y[y < 0] = 0
print(y, y.grad_fn)
z = y * 2
z.sum().backward()
print(x.grad)

a = torch.randn(3, 3, requires_grad=True)
b = a * 1
b[:, 0] = b[:, 0] ** 2
b[1] += 5
b.masked_fill_(torch.eye(3, dtype=torch.bool), 0.0)
b.sum().backward()
print(a.grad)
