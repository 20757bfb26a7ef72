# mypy: ignore-errors
# ruff: noqa: N812
"""Title: A small CNN with CrossEntropyLoss
Topic: Models

Two convolution blocks (conv, ReLU, max-pool) and a linear classifier, trained on two random
8x8 images with CrossEntropyLoss. The graph is grouped by the module that created each node
(conv1, conv2, fc) and the parameters are labelled conv1.weight, fc.bias and so on. After
backward() every parameter has a .grad of its own shape.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 2 * 2, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.flatten(1)
        return self.fc(x)


model = SmallCNN()
criterion = nn.CrossEntropyLoss()
images = torch.randn(2, 1, 8, 8)
labels = torch.tensor([0, 2])
logits = model(images)
loss = criterion(logits, labels)
loss.backward()
print("loss =", loss.item())
print("conv1.weight.grad shape:", model.conv1.weight.grad.shape)
