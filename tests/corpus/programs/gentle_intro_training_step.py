# PyTorch tutorial: A Gentle Introduction to torch.autograd (usage in PyTorch: one training step)
import torch
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 10)
)
data = torch.rand(1, 3, 8, 8)
labels = torch.rand(1, 10)

prediction = model(data)  # forward pass
loss = (prediction - labels).sum()
loss.backward()  # backward pass

optim = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
optim.step()  # gradient descent
print(loss.item())
print(model[0].weight.grad.shape, model[4].bias.grad)
