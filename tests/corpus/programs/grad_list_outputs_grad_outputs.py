# PyTorch docs torch.autograd.grad with lists of outputs and grad_outputs (one-hot rows of a Jacobian)
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y1 = x ** 2
y2 = x.sin()
g = torch.autograd.grad([y1, y2], [x], grad_outputs=[torch.ones(2), torch.full((2,), 0.5)],
                        retain_graph=True)
print(g)
net = torch.nn.Linear(2, 3)
out = net(x)
rows = []
for i in range(3):
    onehot = torch.zeros(3)
    onehot[i] = 1.0
    rows.append(torch.autograd.grad(out, x, grad_outputs=onehot, retain_graph=True)[0])
jac = torch.stack(rows)
print(torch.allclose(jac, net.weight))
allones = torch.autograd.grad(out, x, grad_outputs=torch.ones(3))[0]
print(torch.allclose(allones, sum(rows)))
