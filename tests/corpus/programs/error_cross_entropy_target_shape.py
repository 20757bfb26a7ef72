# Forum FAQ: CrossEntropyLoss with one-hot float targets of the wrong shape vs class indices
import torch
import torch.nn as nn

criterion = nn.CrossEntropyLoss()
logits = torch.randn(3, 4, requires_grad=True)
labels = torch.tensor([1, 0, 3])
loss = criterion(logits, labels)
loss.backward()
print(round(loss.item(), 4), logits.grad.sum(dim=1))
probs = torch.nn.functional.one_hot(labels, 4).float()
print(torch.allclose(criterion(logits, probs), loss))
loss = criterion(logits, labels.unsqueeze(1))
