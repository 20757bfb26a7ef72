# PyTorch tutorial: A Gentle Introduction to torch.autograd (exclusion from the DAG, frozen parameters)
import torch
from torch import nn, optim

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

model = nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 4))
# Freeze all the parameters in the network
for param in model.parameters():
    param.requires_grad = False

# replace the classifier head; only it will be trained
model[2] = nn.Linear(6, 3)
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)

data = torch.rand(2, 8)
labels = torch.rand(2, 3)
prediction = model(data)
loss = (prediction - labels).sum()
loss.backward()
optimizer.step()
for name, p in model.named_parameters():
    print(name, p.requires_grad, p.grad is None)
