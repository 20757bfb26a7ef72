# Transfer-learning tutorial style: freeze the backbone with requires_grad_(False), train the head
import torch
import torch.nn as nn

backbone = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 4), nn.ReLU())
head = nn.Linear(4, 2)
backbone.requires_grad_(False)
model = nn.Sequential(backbone, head)
trainable = [p for p in model.parameters() if p.requires_grad]
print(len(trainable), sum(p.numel() for p in trainable))
optimizer = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1)
x = torch.randn(4, 6)
target = torch.tensor([0, 1, 1, 0])
loss = nn.CrossEntropyLoss()(model(x), target)
loss.backward()
optimizer.step()
print(backbone[0].weight.grad, head.weight.grad.shape)
for name, p in model.named_parameters():
    print(name, p.requires_grad)
