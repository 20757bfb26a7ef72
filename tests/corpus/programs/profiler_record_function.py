# PyTorch recipe "Profiling your PyTorch module": torch.profiler with record_function labels
import torch
from torch.profiler import ProfilerActivity, profile, record_function

model = torch.nn.Linear(8, 4)
x = torch.randn(16, 8)

with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    with record_function("model_forward"):
        out = model(x)
    with record_function("model_backward"):
        out.sum().backward()

names = {evt.key for evt in prof.key_averages()}
print("model_forward" in names, "model_backward" in names, "aten::addmm" in names)
print(model.weight.grad.shape)
