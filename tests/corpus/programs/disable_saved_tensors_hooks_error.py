# PyTorch docs torch.autograd.graph.disable_saved_tensors_hooks: a feature that forbids saved-tensor hooks
import torch

message = "saved tensors default hooks are disabled in this block"
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.autograd.graph.disable_saved_tensors_hooks(message):
    y = x * x
    try:
        with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            z = x.exp()
    except RuntimeError as err:
        print("RuntimeError:", err)
y.sum().backward()
print(x.grad)
