# mypy: ignore-errors
"""Title: Per-sample gradients with torch.func
Topic: Beyond backward(): forward mode, torch.func, checkpointing

backward() gives the gradient of the whole batch's loss, summed over the samples. torch.func
composes transforms instead: grad(loss_of_one) differentiates the loss of ONE sample, and vmap
runs it over the batch dimension, giving one gradient per sample (shape [4, 1, 3] for the
weight). Their mean is exactly the gradient backward() computes for the mean loss, shown
beside it.
"""

import torch
import torch.nn as nn
from torch.func import functional_call, grad, vmap

torch.manual_seed(0)
model = nn.Linear(3, 1)
params = {name: p.detach() for name, p in model.named_parameters()}
inputs = torch.randn(4, 3)
targets = torch.randn(4, 1)


def loss_of_one(params, x, y):
    prediction = functional_call(model, params, (x.unsqueeze(0),))
    return ((prediction - y.unsqueeze(0)) ** 2).mean()


per_sample = vmap(grad(loss_of_one), in_dims=(None, 0, 0))(params, inputs, targets)
print("per-sample weight grads:", per_sample["weight"].shape)

loss = ((model(inputs) - targets) ** 2).mean()
loss.backward()
print("mean of per-sample =", per_sample["weight"].mean(0))
print("batch gradient     =", model.weight.grad)
