# Blog post on gradient accumulation: several micro-batches per optimizer step
import torch
import torch.nn as nn

model = nn.Linear(3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
data = torch.randn(8, 3)
targets = torch.randn(8, 1)
accumulation_steps = 4
optimizer.zero_grad()
for i, (xb, yb) in enumerate(zip(data.split(2), targets.split(2))):
    loss = nn.functional.mse_loss(model(xb), yb) / accumulation_steps
    loss.backward()
    if (i + 1) % accumulation_steps == 0:
        print("grad before step", model.weight.grad)
        optimizer.step()
        optimizer.zero_grad()
full = nn.functional.mse_loss(model(data), targets)
print(round(full.item(), 5), model.weight.grad)
