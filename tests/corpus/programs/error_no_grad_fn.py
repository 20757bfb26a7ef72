# Forum FAQ: element 0 of tensors does not require grad and does not have a grad_fn
import torch
import torch.nn as nn

model = nn.Linear(3, 1)
x = torch.randn(4, 3)
target = torch.randn(4, 1)
with torch.no_grad():
    out = model(x)
loss = nn.functional.mse_loss(out, target)
print(loss.requires_grad)
loss.backward()
