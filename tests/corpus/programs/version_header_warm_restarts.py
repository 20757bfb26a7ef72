# Tutorial notebook header (print(torch.__version__)) and a CosineAnnealingWarmRestarts schedule
import numpy as np
import torch
import torch.nn as nn

print(f"PyTorch {torch.__version__.split('+')[0] >= '2'}, NumPy {np.__version__ >= '1'}")
device = "cuda" if torch.cuda.is_available() else "cpu"
print(device)
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 4), nn.PReLU(), nn.Linear(4, 1)).to(device)
print(model.get_submodule("1"), model.get_parameter("0.bias").shape)
opt = torch.optim.Rprop(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
    torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1), T_0=2, T_mult=2)
x, y = torch.randn(8, 2), torch.randn(8, 1)
for step in range(4):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    sched.optimizer.step()
    sched.step()
    print(step, round(loss.item(), 5), [round(lr, 4) for lr in sched.get_last_lr()], sched.base_lrs)
print(model[1].weight.grad)
