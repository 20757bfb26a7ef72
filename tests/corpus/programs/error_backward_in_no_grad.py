# Forum FAQ: calling backward on a loss computed inside torch.no_grad() (e.g. in a validation loop)
import torch
import torch.nn as nn

model = nn.Linear(2, 1)
x = torch.randn(4, 2)
y = torch.randn(4, 1)
with torch.no_grad():
    val_loss = nn.functional.mse_loss(model(x), y)
print(val_loss.requires_grad, val_loss.grad_fn)
val_loss.backward()
