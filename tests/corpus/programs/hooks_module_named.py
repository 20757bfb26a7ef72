# Blog post: registering a hook on every named module and printing output shapes
import torch
import torch.nn as nn
from functools import partial

model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
shapes = {}


def save_shape(name, module, inputs, output):
    shapes[name] = (module.__class__.__name__, tuple(output.shape))


for name, module in model.named_modules():
    if name:
        module.register_forward_hook(partial(save_shape, name))

y = model(torch.randn(3, 5))
for name, (kind, shape) in shapes.items():
    print(f"{name:>2} {kind:<7} {shape}")
y.mean().backward()
grad_norms = {n: p.grad.norm().item() for n, p in model.named_parameters()}
print(sorted(grad_norms)[:3])
