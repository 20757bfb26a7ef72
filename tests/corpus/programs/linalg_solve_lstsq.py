# PyTorch docs torch.linalg.solve / inv / det with gradients
import torch

A = torch.tensor([[3.0, 1.0], [1.0, 2.0]], requires_grad=True)
b = torch.tensor([9.0, 8.0], requires_grad=True)
x = torch.linalg.solve(A, b)
print(x)
print(torch.allclose(A @ x, b))
det = torch.linalg.det(A)
inv = torch.linalg.inv(A)
loss = x.sum() + det + inv.trace()
loss.backward()
print(A.grad)
print(b.grad)
print(torch.linalg.norm(A).item() > 0, torch.linalg.matrix_norm(A, ord='fro'))
