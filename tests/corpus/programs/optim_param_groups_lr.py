# PyTorch docs torch.optim "per-parameter options": param groups with different learning rates
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
base_params = list(model[0].parameters())
head_params = list(model[2].parameters())
optimizer = torch.optim.SGD(
    [{"params": base_params}, {"params": head_params, "lr": 1e-1}],
    lr=1e-2,
    momentum=0.9,
)
for i, group in enumerate(optimizer.param_groups):
    print(i, group["lr"], group["momentum"], len(group["params"]))

x = torch.randn(6, 2)
y = torch.randn(6, 1)
for epoch in range(3):
    optimizer.zero_grad(set_to_none=True)
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    print(epoch, f"{loss.item():.5f}")

for group in optimizer.param_groups:
    group["lr"] *= 0.5
print([g["lr"] for g in optimizer.param_groups])
extra = nn.Parameter(torch.zeros(1))
optimizer.add_param_group({"params": [extra], "lr": 0.3})
print(len(optimizer.param_groups), optimizer.param_groups[-1]["momentum"])
