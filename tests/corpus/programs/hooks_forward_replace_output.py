# Blog post on forward hooks: a hook that returns a modified output (feature ablation)
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2))


def ablate_unit(module, inputs, output):
    output = output.clone()
    output[:, 0] = 0.0
    return output


x = torch.randn(3, 4)
before = model(x)
handle = model[1].register_forward_hook(ablate_unit)
after = model(x)
handle.remove()
print(torch.allclose(before, after))
after.sum().backward()
print(model[2].weight.grad[:, 0])
