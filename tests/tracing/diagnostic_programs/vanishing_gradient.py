# vanishing_gradient: each sigmoid multiplies the gradient by at most 0.25 on the way back.
import torch
import torch.nn as nn

torch.manual_seed(0)
layers = []
for _ in range(12):
    layers += [nn.Linear(8, 8), nn.Sigmoid()]
model = nn.Sequential(*layers, nn.Linear(8, 1))
loss = model(torch.randn(16, 8)).pow(2).mean()
loss.backward()
print(model[0].weight.grad.norm(), model[-1].weight.grad.norm())
