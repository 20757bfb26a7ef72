# Blog post on physics-informed neural networks: du/dt by autograd with create_graph for the ODE residual
import torch
import torch.nn as nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
t = torch.linspace(0, 1, 10).unsqueeze(1).requires_grad_(True)
for step in range(5):
    opt.zero_grad()
    u = net(t)
    du_dt = torch.autograd.grad(u, t, grad_outputs=torch.ones_like(u), create_graph=True)[0]
    residual = du_dt + u  # u' = -u
    u0 = net(torch.zeros(1, 1))
    loss = residual.pow(2).mean() + (u0 - 1.0).pow(2).mean()
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 6))
print(t.grad.shape)
