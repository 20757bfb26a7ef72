# PyTorch docs torch.autograd.profiler: label regions with record_function and read the events back
import torch
from torch.autograd.profiler import profile, record_function

w = torch.randn(6, 6, requires_grad=True)
x = torch.randn(4, 6)

with profile(record_shapes=True) as prof:
    with record_function("forward_pass"):
        y = torch.relu(x @ w)
    with record_function("backward_pass"):
        y.sum().backward()

keys = {event.key for event in prof.key_averages()}
print("forward_pass" in keys, "backward_pass" in keys, "aten::mm" in keys)
mm_events = [e for e in prof.function_events if e.name == "aten::mm"]
print(len(mm_events) >= 1, [list(map(list, e.input_shapes))[:2] for e in mm_events][:1])
print(w.grad.shape)
