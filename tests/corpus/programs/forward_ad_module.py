# PyTorch tutorial: Forward-mode Automatic Differentiation (usage with Modules and functional_call)
import torch
import torch.nn as nn
import torch.autograd.forward_ad as fwAD
from torch.func import functional_call

model = nn.Linear(5, 5)
input = torch.randn(16, 5)

params = {name: p for name, p in model.named_parameters()}
tangents = {name: torch.rand_like(p) for name, p in params.items()}

with fwAD.dual_level():
    for name, p in params.items():
        delattr(model, name)
        setattr(model, name, fwAD.make_dual(p, tangents[name]))
    out = model(input)
    jvp = fwAD.unpack_dual(out).tangent
print(jvp.shape, round(jvp.sum().item(), 4))

model2 = nn.Linear(5, 5)
params2 = {name: p.detach() for name, p in model2.named_parameters()}
with fwAD.dual_level():
    dual_params = {name: fwAD.make_dual(p, tangents[name]) for name, p in params2.items()}
    out2 = functional_call(model2, dual_params, input)
    jvp2 = fwAD.unpack_dual(out2).tangent
print(jvp2.shape, round(jvp2.abs().sum().item(), 4))
