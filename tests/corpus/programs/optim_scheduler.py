# PyTorch docs torch.optim: Adam with a StepLR schedule and optimizer.param_groups
import torch
import torch.nn as nn

model = nn.Linear(2, 1)
optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
y = torch.tensor([[1.0], [2.0]])
for epoch in range(4):
    optimizer.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    scheduler.step()
    print(epoch, optimizer.param_groups[0]['lr'], round(loss.item(), 5))
print(scheduler.get_last_lr())
print(sorted(optimizer.state_dict()['state'][0].keys()))
