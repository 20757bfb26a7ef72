# Blog post on vector-Jacobian products: one-hot grad_outputs pick rows of the Jacobian
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.stack([x.prod(), x.sum() ** 2])
rows = []
for i in range(2):
    v = torch.zeros(2)
    v[i] = 1.0
    (row,) = torch.autograd.grad(y, x, grad_outputs=v, retain_graph=True)
    rows.append(row)
print(torch.stack(rows))
(all_ones,) = torch.autograd.grad(y, x, grad_outputs=torch.ones(2), retain_graph=True)
print(torch.allclose(all_ones, rows[0] + rows[1]))
y.backward(torch.tensor([1.0, 0.0]))
print(x.grad)
