# PyTorch docs nn.utils.parameters_to_vector / vector_to_parameters with a flat gradient
import torch
import torch.nn as nn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
flat = parameters_to_vector(model.parameters())
print(flat.shape)
loss = model(torch.ones(4, 3)).sum()
grads = torch.autograd.grad(loss, list(model.parameters()))
flat_grad = torch.cat([g.reshape(-1) for g in grads])
print(flat_grad.shape)
with torch.no_grad():
    vector_to_parameters(flat - 0.1 * flat_grad, model.parameters())
print(torch.allclose(parameters_to_vector(model.parameters()), flat.detach() - 0.1 * flat_grad))
