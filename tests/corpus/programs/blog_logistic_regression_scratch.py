# Blog post: logistic regression from scratch with autograd
import torch

torch.manual_seed(3)
X = torch.randn(20, 2)
y = (X[:, 0] + X[:, 1] > 0).float()
w = torch.zeros(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.5
for epoch in range(20):
    logits = X @ w + b
    probs = torch.sigmoid(logits)
    loss = -(y * torch.log(probs + 1e-8) + (1 - y) * torch.log(1 - probs + 1e-8)).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
accuracy = ((torch.sigmoid(X @ w + b) > 0.5).float() == y).float().mean()
print(loss.item(), accuracy.item())
print(w, b)
